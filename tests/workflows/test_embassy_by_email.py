"""A case's document request with the embassy by e-mail: no directory entry is the embassy's
refusal on the case, with the reason; once an admin adds the embassy, requesting again mails
the letter (a real SMTP server) and the case waits for the answer under its reference."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from activities.embassy_email import EmailEmbassy
from core.settings import Settings
from models.decisions import AssessDocumentsInput, DocumentDecisionInput
from models.enums import DocumentChoice, DocumentStatus, Relationship, Sex
from models.tables import HouseholdMember
from tests.activities.mail_cases import OFFICE, add_embassy
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.workflows.scenario import CASEWORKER, clients, person, start_case, through_consent, today
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def test_unknown_country_is_refused_on_the_case_then_the_letter_goes(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    sims = clients()
    sims.embassy = EmailEmbassy(engine, smtp_server.client(), OFFICE)
    member = f"m-{uuid.uuid4().hex[:8]}"
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(time_env, settings, engine, [person(member)])
        state = await through_consent(time_env, handle)
        with Session(engine) as session:
            session.add(HouseholdMember(
                id=member, case_id=state.case_id, relationship=Relationship.PRINCIPAL,
                given_name="ნინო", family_name="ბერიძე", date_of_birth=date(1990, 3, 1),
                sex=Sex.FEMALE, nationality="GE",
            ))
            session.commit()
        state = await handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=60)),
        )
        assert state.documents.status == DocumentStatus.REFUSED
        assert state.documents.refusal_reason is not None
        assert "no embassy contact for GE" in state.documents.refusal_reason
        assert smtp_server.inbox.received == []

        add_embassy(engine)
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_travel_documents,
            DocumentDecisionInput(
                actor=CASEWORKER, choice=DocumentChoice.REQUEST_AGAIN, reason="contact added"
            ),
        )
        assert state.documents.status == DocumentStatus.REQUESTED
        assert state.documents.request_ref == f"{state.reference}/ETD-2"
        [letter] = smtp_server.inbox.received
        assert letter.rcpt_tos == ["riga@mfa.gov.ge"] and state.reference in letter.subject
