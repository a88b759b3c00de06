"""Reminders reach staff by e-mail (a real SMTP server) and in the app, and stop once the case
has moved on; every step lands on the case's timeline."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from activities.clients import ExternalClients
from core.settings import Settings
from models.decisions import AssessDocumentsInput, EmbassyAnswerInput
from models.enums import Stage, TimelineKind
from models.policy import CasePolicy, ChasingPolicy
from models.timeline import Notification, TimelineEntry
from models.users import User
from tests.activities.test_notifications import set_emails
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.workflows.scenario import CASEWORKER, person, start_case, through_consent, today
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

EMAILS = {"caseworker": "anna@iom.test", "caseworker2": "janis@iom.test",
          "supervisor": "mara@iom.test"}


def notifications(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(Notification).order_by(col(Notification.id))).all()
        return [(n.user_id, n.subject.split(": ")[1]) for n in rows]


async def timeline(engine: Engine, case_id: str, until: str) -> list[TimelineEntry]:
    """The case's timeline once an entry with summary ``until`` is written (the workflow
    writes it with its next projection)."""
    for _ in range(100):
        with Session(engine) as session:
            rows = list(session.exec(
                select(TimelineEntry).where(TimelineEntry.case_id == case_id)
                .order_by(col(TimelineEntry.seq))
            ).all())
        if any(r.summary == until for r in rows):
            return rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"no timeline entry {until!r}: {[r.summary for r in rows]}")


async def test_no_reminder_is_sent_for_a_case_that_has_moved_on(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
    users: dict[str, User], smtp_server: SmtpServer,  # noqa: F811
) -> None:
    set_emails(engine, EMAILS)
    clients = ExternalClients(notifications=smtp_server.client())
    policy = CasePolicy(chasing=ChasingPolicy(reminder_every_days=5, deadline_days=60))
    async with build_worker(time_env.client, settings, engine, clients=clients):
        day = await today(time_env)
        handle = await start_case(time_env, settings, engine, [person("m1")], policy=policy)
        await through_consent(time_env, handle)
        state = await handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=90)),
        )
        ref, reference = state.documents.request_ref, state.reference

        await time_env.sleep(timedelta(days=11))  # chased on day 5 and day 10
        inbox = smtp_server.inbox
        assert [r.subject for r in inbox.received] == [f"{reference}: chase the embassy"] * 2
        assert all(r.rcpt_tos == ["anna@iom.test", "janis@iom.test"] for r in inbox.received)
        assert inbox.to("mara@iom.test") == []
        assert f"request {ref} has had no answer" in inbox.received[0].body
        assert "Beridze" not in inbox.received[0].body  # what is awaited, never names

        state = await handle.execute_update(
            ReturnCaseWorkflow.record_embassy_answer,
            EmbassyAnswerInput(
                actor=CASEWORKER, request_ref=ref or "", issued=True,
                valid_until=day + timedelta(days=120),
            ),
        )
        assert state.stage == Stage.CLEARANCE
        await time_env.sleep(timedelta(days=30))  # six more chasing periods

        assert len(inbox.received) == 2
        assert notifications(engine) == [
            ("caseworker", "chase the embassy"), ("caseworker2", "chase the embassy"),
        ] * 2
        entries = await timeline(engine, handle.id.removeprefix("case-"), "stage: clearance")

    kinds = [(e.kind, e.summary) for e in entries]
    assert kinds[0] == (TimelineKind.STAGE_CHANGE, "stage: intake")
    reminders = [k for k in kinds if k[0] == TimelineKind.REMINDER]
    assert reminders == [(TimelineKind.REMINDER, "caseworker reminded: chase the embassy")] * 2
    last_reminder = max(i for i, k in enumerate(kinds) if k[0] == TimelineKind.REMINDER)
    tail = [s for _, s in kinds[last_reminder + 1:]]
    assert tail == [
        "embassy answer recorded: issued",
        "border guard and migration office notified of the planned departure",
        "stage: clearance",
    ]
    approval = next(e for e in entries if e.summary == "eligibility assessment approved")
    assert (approval.actor_id, approval.actor_role) == ("sup-mara", "supervisor")
    assert approval.details == {"reason": "meets the criteria"}
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
