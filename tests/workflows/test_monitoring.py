"""After departure: monitoring visits reported, overdue, added and ended, and long life
(two hundred updates and a year of timers continue as new and keep the state)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from api.decisions import execute_update
from core.settings import Settings
from models.decisions import (
    AddVisitInput,
    ConfirmArrivalInput,
    EndMonitoringInput,
    PlanDecisionInput,
    ProposePlanInput,
    RecordAssistanceInput,
    ReportMonitoringInput,
)
from models.enums import AssistanceKind, CaseStatus, ComponentKind, PlanStatus, Stage
from models.policy import AftercarePolicy, CasePolicy
from models.schemas_aftercare import ComponentIn
from models.tables import Case
from tests.conftest import DATABASES
from tests.workflows.aftercare_steps import (
    GOOD,
    PARTNER,
    add_partners,
    arrive_and_approve_plan,
    departed,
    until,
)
from tests.workflows.scenario import SUPERVISOR, clients, today
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def test_an_unreported_visit_becomes_overdue_and_a_late_report_clears_it(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine)
        state = await arrive_and_approve_plan(time_env, handle)
        first = state.monitoring.visits[0]
        grace = state.policy.aftercare.visit_grace_days
        await time_env.sleep(first.due_on - await today(time_env) + timedelta(days=grace + 1))
        state = await until(handle, lambda s: s.monitoring.visits[0].overdue)
        assert state.monitoring.visits[0].reminded
        assert f"monitoring visit 1 (due {first.due_on}) is overdue" in state.warnings
        state = await handle.execute_update(
            ReturnCaseWorkflow.report_monitoring,
            ReportMonitoringInput(actor=PARTNER, held_on=await today(time_env), indicators=GOOD),
        )
        assert not state.monitoring.visits[0].overdue
        assert state.monitoring.visits[0].reported_on is not None
        assert not any("overdue" in w for w in state.warnings)
        # A supervisor adds a visit, then ends monitoring early with a reason.
        extra = await today(time_env) + timedelta(days=10)
        state = await handle.execute_update(
            ReturnCaseWorkflow.add_monitoring_visit,
            AddVisitInput(actor=SUPERVISOR, due_on=extra, reason="family conflict reported"),
        )
        assert [v.due_on for v in state.monitoring.visits][-1] == extra
        state = await handle.execute_update(
            ReturnCaseWorkflow.end_monitoring,
            EndMonitoringInput(actor=SUPERVISOR, reason="moved abroad again"),
        )
        assert state.stage == Stage.CLOSURE and len(state.monitoring.visits) == 1


# On one database: continue-as-new is the workflow's, the database sees one projection per
# change either way; both took 24 s of the suite's two cores.
@pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)
async def test_two_hundred_updates_and_a_year_of_timers_continue_as_new_and_keep_the_state(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    policy = CasePolicy(aftercare=AftercarePolicy(continue_as_new_after_events=400))
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine, policy=policy)
        state = await arrive_and_approve_plan(time_env, handle)
        visits = state.monitoring.visits
        updates = 3  # arrival, plan, decision
        # 100 extra visits a supervisor adds and 100 reports: 200 more updates.
        # Sent as the API sends them: one that meets a run as it continues as new goes on to
        # the new run.
        for i in range(100):
            await execute_update(
                handle,
                ReturnCaseWorkflow.add_monitoring_visit,
                AddVisitInput(actor=SUPERVISOR, due_on=await today(time_env) + timedelta(days=1),
                              reason=f"check {i}"),
            )
            await execute_update(
                handle,
                ReturnCaseWorkflow.report_monitoring,
                ReportMonitoringInput(actor=PARTNER, held_on=await today(time_env),
                                      indicators=GOOD),
            )
            updates += 2
        # Then a year of timers: the three scheduled visits fall due and go overdue.
        await time_env.sleep(visits[-1].due_on - await today(time_env) + timedelta(days=30))
        state = await until(handle, lambda s: all(v.overdue for v in s.monitoring.open_visits()))
        assert updates == 203
        assert state.runs >= 3
        assert len(state.monitoring.visits) == 103
        assert sum(1 for v in state.monitoring.visits if v.reported_on) == 100
        assert len(state.monitoring.trend()) == 100
        case_id = state.case_id

    # Every run's history stayed far under Temporal's warning limit (10,240 events).
    lengths, run_id = [], handle.first_execution_run_id or handle.run_id
    while run_id:
        history = await time_env.client.get_workflow_handle(
            handle.id, run_id=run_id
        ).fetch_history()
        lengths.append(len(history.events))
        last = history.events[-1]
        run_id = (
            last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
            if last.HasField("workflow_execution_continued_as_new_event_attributes")
            else None
        )
    assert len(lengths) == state.runs and max(lengths) < 1000, lengths
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None and case.stage == Stage.MONITORING


async def test_a_paid_grant_and_a_handover_lead_into_monitoring(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    """Recorded before the case workflow became collaborators instead of mixins: a case left
    running in monitoring (grant paid, handed over, a plan sent back then approved, a visit
    announced and reported, an extra one added) replays on the refactored code."""
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        assert state.grant is not None and state.grant.receipt_ref is not None
        state = await handle.execute_update(
            ReturnCaseWorkflow.confirm_arrival,
            ConfirmArrivalInput(actor=PARTNER, arrived_on=state.departed_on),
        )
        arrived = state.arrival.confirmed_on
        assert arrived is not None
        await handle.execute_update(
            ReturnCaseWorkflow.record_assistance,
            RecordAssistanceInput(actor=PARTNER, kind=AssistanceKind.AIRPORT_PICK_UP,
                                  provided_on=arrived, cost=Decimal("40.00")),
        )
        plan = ProposePlanInput(actor=PARTNER, components=[
            ComponentIn(kind=ComponentKind.BUSINESS_START_UP, description="grocery stall",
                        budget=Decimal("900.00")),
        ])
        await handle.execute_update(ReturnCaseWorkflow.propose_plan, plan)
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR, approve=False, reason="too vague"),
        )
        assert state.plan is not None and state.plan.status == PlanStatus.SENT_BACK
        await handle.execute_update(ReturnCaseWorkflow.propose_plan, plan)
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR, approve=True, reason="clearer now"),
        )
        assert state.stage == Stage.MONITORING
        first = state.monitoring.visits[0]
        await time_env.sleep(first.due_on - await today(time_env) + timedelta(hours=1))
        state = await until(handle, lambda s: s.monitoring.visits[0].reminded)
        state = await handle.execute_update(
            ReturnCaseWorkflow.report_monitoring,
            ReportMonitoringInput(actor=PARTNER, held_on=await today(time_env), indicators=GOOD),
        )
        extra = await today(time_env) + timedelta(days=20)
        state = await handle.execute_update(
            ReturnCaseWorkflow.add_monitoring_visit,
            AddVisitInput(actor=SUPERVISOR, due_on=extra, reason="asked for by the family"),
        )
        assert state.stage == Stage.MONITORING and len(state.monitoring.visits) == 4
        assert state.status == CaseStatus.ACTIVE
