"""Each kind of stuck reason appears with time skipping and failing simulators, and goes away
when its cause does (the workflow-failing reason needs a real server: tests/api/test_queue.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from activities.embassy import SimulatedEmbassy
from activities.simulation import SimulatorConfig
from api.stuck import Filters, stuck_cases
from core.settings import Settings
from models.decisions import (
    AssessDocumentsInput,
    CompleteIntakeInput,
    DocumentDecisionInput,
    EligibilityDecisionInput,
    RecordCounsellingInput,
    SubmitEligibilityInput,
)
from models.enums import DocumentChoice, Severity, StuckReason, TaskKind
from models.policy import CasePolicy, ChasingPolicy
from models.schemas_queue import StuckCasePublic
from models.tasks import ActivityRetry, CaseTask
from models.timeline import Notification
from models.users import User
from tests.factories import counselling
from tests.workflows.scenario import (
    CASEWORKER,
    SUPERVISOR,
    clients,
    close_case,
    person,
    start_case,
    through_consent,
    today,
)
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def stuck(env: WorkflowEnvironment, engine: Engine, **filters: object) -> list[StuckCasePublic]:
    with Session(engine) as session:
        page, count = await stuck_cases(
            session, env.client, await env.get_current_time(), Filters(**filters)  # type: ignore[arg-type]
        )
    assert count == len(page)
    return page


def reasons(found: list[StuckCasePublic], case_id: str) -> list[StuckReason]:
    return [r.reason for c in found if c.case_id == case_id for r in c.reasons]


async def eventually(check: Callable[[], bool], what: str, seconds: float = 10) -> None:
    """Projections are written by activities right after each change: wait for them."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never: {what}")


def open_task_kinds(engine: Engine, case_id: str) -> set[TaskKind]:
    with Session(engine) as session:
        return {t.kind for t in session.exec(select(CaseTask).where(CaseTask.case_id == case_id))}


async def test_a_decision_past_its_sla_is_stuck_until_taken(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await start_case(time_env, settings, engine, [person("m1")],
                                  assignee_id="caseworker")
        case_id = handle.id.removeprefix("case-")
        await handle.execute_update(
            ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=counselling())
        )
        await handle.execute_update(ReturnCaseWorkflow.complete_intake, CompleteIntakeInput())
        await handle.execute_update(
            ReturnCaseWorkflow.submit_eligibility,
            SubmitEligibilityInput(actor=CASEWORKER, eligible=True, notes="criteria met"),
        )
        await eventually(lambda: open_task_kinds(engine, case_id) == {
            TaskKind.APPROVE_ELIGIBILITY}, "the approval task is projected")
        assert await stuck(time_env, engine) == []

        await time_env.sleep(timedelta(days=3))  # the approval SLA is 48 hours
        [case] = await stuck(time_env, engine)
        [reason] = case.reasons
        assert (case.case_id, case.assignee_id, case.severity) == (case_id, "caseworker",
                                                                   Severity.HIGH)
        assert (reason.reason, reason.task_kind) == (StuckReason.TASK_OVERDUE,
                                                      TaskKind.APPROVE_ELIGIBILITY)
        assert 23 <= reason.age_hours <= 25  # a day past the SLA
        assert await stuck(time_env, engine, assignee_id="caseworker2") == []
        assert await stuck(time_env, engine, reason=StuckReason.DEADLINE_MISSED) == []
        assert len(await stuck(time_env, engine, country="GE", stage="eligibility")) == 1

        await handle.execute_update(
            ReturnCaseWorkflow.decide_eligibility,
            EligibilityDecisionInput(actor=SUPERVISOR, approve=True, reason="agreed"),
        )
        await eventually(lambda: open_task_kinds(engine, case_id) == {TaskKind.RECORD_CONSENT},
                         "consent is the next task")
        assert await stuck(time_env, engine) == []


async def test_business_deadlines_turn_at_risk_then_missed_and_clear(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> None:
    policy = CasePolicy(chasing=ChasingPolicy(reminder_every_days=2, deadline_days=5))
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        leaving = await start_case(time_env, settings, engine, [person("m1")],
                                   voluntary_departure_deadline=day + timedelta(days=10))
        waiting = await start_case(time_env, settings, engine, [person("m2")], policy=policy,
                                   assignee_id="caseworker")
        leaving_id, waiting_id = (h.id.removeprefix("case-") for h in (leaving, waiting))
        await through_consent(time_env, waiting)
        await waiting.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=40)),
        )
        await eventually(lambda: TaskKind.EMBASSY_ANSWER in open_task_kinds(engine, waiting_id),
                         "the embassy request is projected")
        assert await stuck(time_env, engine) == []

        await time_env.sleep(timedelta(days=4))  # first chase on day 2; deadline warning day 3
        found = await stuck(time_env, engine)
        assert reasons(found, leaving_id) == [StuckReason.DEADLINE_AT_RISK]
        assert reasons(found, waiting_id) == [StuckReason.DEADLINE_AT_RISK]
        assert {c.severity for c in found} == {Severity.MEDIUM}

        await time_env.sleep(timedelta(days=2))  # day 6: the embassy's deadline has passed
        await eventually(
            lambda: TaskKind.DOCUMENT_DECISION in open_task_kinds(engine, waiting_id),
            "the deadline became a caseworker decision",
        )
        found = await stuck(time_env, engine)
        assert found[0].case_id == waiting_id  # the missed deadline sorts first
        assert found[0].severity == Severity.CRITICAL
        assert "embassy answer" in found[0].reasons[0].detail
        # Reminders for the assigned case went to its caseworker only.
        with Session(engine) as session:
            to = {n.user_id for n in session.exec(
                select(Notification).where(col(Notification.case_id) == waiting_id))}
        assert to == {"caseworker"}

        await waiting.execute_update(
            ReturnCaseWorkflow.decide_travel_documents,
            DocumentDecisionInput(actor=CASEWORKER, choice=DocumentChoice.REQUEST_AGAIN,
                                  reason="new photos"),
        )
        await eventually(
            lambda: TaskKind.EMBASSY_ANSWER in open_task_kinds(engine, waiting_id),
            "the new request is projected",
        )
        assert waiting_id not in {c.case_id for c in await stuck(time_env, engine)}

        await time_env.sleep(timedelta(days=5))  # day 11: the departure deadline passed
        found = await stuck(time_env, engine, reason=StuckReason.DEADLINE_MISSED)
        assert leaving_id in {c.case_id for c in found}
        assert reasons(found, leaving_id) == [StuckReason.DEADLINE_MISSED]

        await close_case(leaving, note="left on their own")
        await eventually(lambda: not open_task_kinds(engine, leaving_id), "closed: no tasks")
        assert leaving_id not in {c.case_id for c in await stuck(time_env, engine)}


async def test_an_external_system_failing_is_stuck_until_it_answers(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    simulated = clients()
    simulated.embassy = SimulatedEmbassy(SimulatorConfig(seed=1, down=True))
    async with build_worker(time_env.client, settings, engine, clients=simulated):
        day = await today(time_env)
        handle = await start_case(time_env, settings, engine, [person("m1")])
        case_id = handle.id.removeprefix("case-")
        await through_consent(time_env, handle)
        request = asyncio.create_task(handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=40)),
        ))

        def marked() -> bool:
            with Session(engine) as session:
                return session.exec(select(ActivityRetry)).first() is not None

        await eventually(marked, "the failing embassy call is marked")
        [case] = await stuck(time_env, engine)
        [reason] = case.reasons
        assert (case.case_id, reason.reason, reason.system) == (
            case_id, StuckReason.ACTIVITY_RETRYING, "embassy")
        assert reason.activity_type == "request_travel_document"
        assert reason.attempt and reason.attempt >= 2
        assert reason.last_error == "embassy is down"
        assert reason.next_attempt_at is not None
        assert await stuck(time_env, engine, reason=StuckReason.TASK_OVERDUE) == []

        simulated.embassy.config.down = False
        state = await asyncio.wait_for(request, 30)  # the next retry goes through
        assert state.documents.request_ref
        await eventually(lambda: not marked(), "the mark is cleared on success")
        assert await stuck(time_env, engine) == []
