"""The daily digest: one mail per active caseworker listing what awaits them, by reference."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from activities.clients import ExternalClients
from core.schedules import DIGEST_SCHEDULE_ID, ensure_schedules
from core.settings import Settings
from models.decisions import AssessDocumentsInput
from models.digest import DigestInput
from models.enums import CaseStatus, DeadlineKind, Role, Stage, TaskKind
from models.policy import CasePolicy, ChasingPolicy
from models.tables import Case
from models.tasks import CaseDeadline, CaseTask
from models.users import User
from tests.activities.test_notifications import set_emails
from tests.factories import insert_case
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.workflows.scenario import CASEWORKER, person, start_case, through_consent, today
from worker import build_worker
from workflows.digest import DigestWorkflow
from workflows.return_case import ReturnCaseWorkflow

EMAILS = {"caseworker": "anna@iom.test", "caseworker2": "janis@iom.test",
          "supervisor": "mara@iom.test"}


async def run_digest(env: WorkflowEnvironment, settings: Settings) -> int:
    result = await env.client.execute_workflow(
        DigestWorkflow.run, DigestInput(stalled_after_days=30),
        id=f"digest-{uuid.uuid4()}", task_queue=settings.temporal_task_queue,
    )
    return result.sent


async def test_each_active_caseworker_gets_one_digest_of_what_awaits_a_decision(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
    users: dict[str, User], smtp_server: SmtpServer,  # noqa: F811
) -> None:
    set_emails(engine, EMAILS | {"caseworker2": "janis@iom.test"}, inactive={"caseworker2"})
    now = datetime.now(UTC)
    refused = insert_case(
        engine, stage=Stage.TRAVEL_DOCUMENTS, awaiting_caseworker=True,
        awaiting="decision on the embassy's refusal: request again, escalate or close",
    )
    insert_case(  # waits for a supervisor: not the caseworkers' business today
        engine, stage=Stage.ELIGIBILITY, awaiting="supervisor approval of the eligibility assessment"
    )
    no_show = insert_case(
        engine, stage=Stage.TRAVEL, departure_date=now.date() - timedelta(days=2)
    )
    stalled = insert_case(
        engine, stage=Stage.CLEARANCE, updated_at=now - timedelta(days=45)
    )
    insert_case(  # closed cases never appear
        engine, stage=Stage.CLOSED, status=CaseStatus.CLOSED, awaiting_caseworker=True,
        awaiting="x", updated_at=now - timedelta(days=90),
    )
    clients = ExternalClients(notifications=smtp_server.client())
    async with build_worker(time_env.client, settings, engine, clients=clients):
        assert await run_digest(time_env, settings) == 1

    [mail] = smtp_server.inbox.received
    assert mail.rcpt_tos == ["anna@iom.test"]
    assert mail.subject == f"Homeward: your cases on {now:%Y-%m-%d}"
    lines = mail.body.splitlines()
    assert lines[:2] == [
        "Awaiting your decision (1):",
        f"- {refused.reference}: {refused.awaiting}",
    ]
    assert f"- {no_show.reference}: booked for {no_show.departure_date}" in lines
    assert "No change for 30 days or more (1):" in lines
    assert any(line.startswith(f"- {stalled.reference}: clearance") for line in lines)
    assert "Beridze" not in mail.body and len(lines) == 8


async def test_nothing_to_report_sends_nothing(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
    users: dict[str, User], smtp_server: SmtpServer,  # noqa: F811
) -> None:
    set_emails(engine, EMAILS)
    insert_case(engine, stage=Stage.CONSENT)
    clients = ExternalClients(notifications=smtp_server.client())
    async with build_worker(time_env.client, settings, engine, clients=clients):
        assert await run_digest(time_env, settings) == 0
    assert smtp_server.inbox.received == []


async def test_the_digest_schedule_follows_the_settings(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    await ensure_schedules(dev_env.client, settings.model_copy(update={"digest_cron": "15 7 * * *"}))
    handle = dev_env.client.get_schedule_handle(DIGEST_SCHEDULE_ID)
    (calendar,) = (await handle.describe()).schedule.spec.calendars
    assert [(r.start, r.end) for r in calendar.hour] == [(7, 7)]
    assert [(r.start, r.end) for r in calendar.minute] == [(15, 15)]
    await handle.delete()


async def test_a_passed_embassy_deadline_reaches_the_next_digest(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
    users: dict[str, User], smtp_server: SmtpServer,  # noqa: F811
) -> None:
    set_emails(engine, {"caseworker": "anna@iom.test"})
    policy = CasePolicy(chasing=ChasingPolicy(reminder_every_days=7, deadline_days=5))
    clients = ExternalClients(notifications=smtp_server.client())
    async with build_worker(time_env.client, settings, engine, clients=clients):
        handle = await start_case(time_env, settings, engine, [person("m1")], policy=policy)
        await through_consent(time_env, handle)
        await handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(
                actor=CASEWORKER, planned_departure=await today(time_env) + timedelta(days=60)
            ),
        )
        await time_env.sleep(timedelta(days=6))
        case_id = handle.id.removeprefix("case-")
        for _ in range(100):  # the projection follows the workflow shortly
            with Session(engine) as session:
                case = session.get(Case, case_id)
                assert case is not None
                if case.awaiting_caseworker:
                    break
            await asyncio.sleep(0.05)
        assert case.awaiting == "decision on the travel document: the embassy's deadline has passed"
        assert await run_digest(time_env, settings) == 1

    deadline_mail, digest = smtp_server.inbox.received
    assert deadline_mail.subject.endswith("embassy deadline reached")
    assert digest.body.splitlines()[:2] == [
        "Awaiting your decision (1):", f"- {case.reference}: {case.awaiting}"
    ]


async def test_each_caseworker_reads_the_tasks_and_deadlines_of_their_own_cases(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
    users: dict[str, User], smtp_server: SmtpServer,  # noqa: F811
) -> None:
    set_emails(engine, EMAILS)
    with Session(engine) as session:  # Jānis reads Homeward in Latvian
        janis_user = session.get(User, "caseworker2")
        assert janis_user is not None
        janis_user.language = "lv"
        session.add(janis_user)
        session.commit()
    now = datetime.now(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    annas = insert_case(engine, stage=Stage.CONSENT, assignee_id="caseworker")
    janis = insert_case(engine, stage=Stage.INTAKE, assignee_id="caseworker2")
    later = insert_case(engine, stage=Stage.INTAKE, assignee_id="caseworker")
    with Session(engine) as session:
        session.add(CaseTask(case_id=annas.id, kind=TaskKind.RECORD_CONSENT, stage=Stage.CONSENT,
                             role=Role.CASEWORKER, since=now - timedelta(days=5),
                             due_at=now - timedelta(days=2), summary="record the consent"))
        session.add(CaseDeadline(case_id=annas.id, kind=DeadlineKind.VOLUNTARY_DEPARTURE,
                                 due_at=now + timedelta(days=3), at_risk_from=now - timedelta(days=4),
                                 detail="voluntary-departure deadline"))
        session.add(CaseTask(case_id=janis.id, kind=TaskKind.COMPLETE_INTAKE, stage=Stage.INTAKE,
                             role=Role.CASEWORKER, since=now, due_at=now + (midnight - now) / 2,
                             summary="complete the intake"))
        session.add(CaseTask(case_id=later.id, kind=TaskKind.COMPLETE_INTAKE, stage=Stage.INTAKE,
                             role=Role.CASEWORKER, since=now, due_at=now + timedelta(days=5),
                             summary="complete the intake"))
        session.commit()
    clients = ExternalClients(notifications=smtp_server.client())
    async with build_worker(time_env.client, settings, engine, clients=clients):
        assert await run_digest(time_env, settings) == 2

    mails = {m.rcpt_tos[0]: m.body for m in smtp_server.inbox.received}
    subjects = {m.rcpt_tos[0]: m.subject for m in smtp_server.inbox.received}
    anna, janis_mail = mails["anna@iom.test"], mails["janis@iom.test"]
    assert subjects["anna@iom.test"].startswith("Homeward: your cases on ")
    assert subjects["janis@iom.test"].startswith("Homeward: Jūsu lietas ")
    assert "Your tasks overdue (1):" in anna and f"- {annas.reference}: record the consent" in anna
    assert "Deadlines missed or at risk (1):" in anna
    assert f"- {annas.reference}: voluntary-departure deadline (due" in anna
    assert later.reference not in anna  # due in five days: not today's business
    assert janis.reference not in anna
    assert janis_mail.splitlines()[:2] == [  # in his language
        "Jūsu šodienas uzdevumi (1):", f"- {janis.reference}: pabeigt uzņemšanu"
    ]
    assert annas.reference not in janis_mail
