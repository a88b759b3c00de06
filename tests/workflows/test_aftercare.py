"""After departure: handover, arrival, plan, monitoring with the score, closure, long life."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.partners import SimulatedPartners
from api.decisions import execute_update
from core.settings import Settings
from models.costs import Cost
from models.decisions import (
    AddVisitInput,
    ClosureDecisionInput,
    ConfirmArrivalInput,
    EndMonitoringInput,
    PlanDecisionInput,
    ProposeClosureInput,
    ProposePlanInput,
    RecordAssistanceInput,
    ReportDeliveryInput,
    ReportMonitoringInput,
)
from models.enums import (
    AssistanceKind,
    CaseStatus,
    ClosureReason,
    ComponentKind,
    CostCategory,
    PlanStatus,
    Relationship,
    Role,
    Stage,
)
from models.partners import Partner
from models.payloads import Actor, CaseState
from models.policy import AftercarePolicy, CasePolicy
from models.schemas_aftercare import ComponentIn
from models.tables import Case
from models.timeline import Notification
from models.users import User
from tests.conftest import DATABASES
from tests.workflows.scenario import (
    CASEWORKER,
    SUPERVISOR,
    approve_grant,
    book,
    clients,
    depart,
    person,
    start_case,
    through_clearance,
    through_consent,
    today,
)
from tests.workflows.test_budget import budget_project, set_budget
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

PARTNER = Actor(id="partner-nino", role=Role.PARTNER, organisation="GE-partner")
OTHER_PARTNER = Actor(id="partner-ali", role=Role.PARTNER, organisation="AM-partner")
SUPERVISOR_2 = Actor(id="sup-ivo", role=Role.SUPERVISOR)
GOOD = {
    "income_sufficiency": 3, "work_stability": 2, "debt_manageable": 4,
    "housing": 4, "services_access": 3, "civil_documents": 4,
    "wellbeing": 2, "safety": 4, "support_network": 3,
}
Handle = WorkflowHandle[ReturnCaseWorkflow, CaseState]


def add_partners(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="Georgian Reintegration Partner",
                            country="GE", contact_email="ops@ge-partner.example"))
        session.add(Partner(id="AM-partner", organisation="Armenian Partner",
                            country="AM", contact_email="ops@am-partner.example"))
        for user_id, org in (("partner-nino", "GE-partner"), ("partner-ali", "AM-partner")):
            session.add(User(id=user_id, username=user_id, full_name=user_id, role=Role.PARTNER,
                             partner_org=org, password_hash="x", email=f"{user_id}@example.org"))
        session.add(User(id="cw-anna", username="cw-anna", full_name="Anna", password_hash="x",
                         role=Role.CASEWORKER, email="anna@example.org"))
        session.add(User(id="sup-mara", username="sup-mara", full_name="Mara", password_hash="x",
                         role=Role.SUPERVISOR, email="mara@example.org"))
        session.commit()


async def departed(env: WorkflowEnvironment, settings: Settings, engine: Engine,
                   household: list | None = None, **fields: object) -> Handle:
    day = await today(env)
    handle = await start_case(
        env, settings, engine,
        household or [person("m1", passport_until=day + timedelta(days=900))], **fields,
    )
    await through_consent(env, handle)
    await approve_grant(handle)
    await through_clearance(env, handle)
    await book(handle, day + timedelta(days=30))
    await depart(env, handle)
    return handle


async def refused(handle: Handle, update, arg) -> str:  # type: ignore[no-untyped-def]
    """The workflow's reason for refusing the update."""
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(update, arg)
    return str(err.value.cause)


async def state_of(handle: Handle) -> CaseState:
    return await handle.query(ReturnCaseWorkflow.state)


async def until(handle: Handle, check, env: WorkflowEnvironment | None = None) -> CaseState:  # type: ignore[no-untyped-def]
    """The case's state once ``check(state)`` holds (the run loop acts between updates)."""
    for _ in range(200):
        state = await state_of(handle)
        if check(state):
            return state
        if env is not None:
            await env.sleep(timedelta(seconds=1))
        else:
            import asyncio

            await asyncio.sleep(0.05)
    raise AssertionError(f"condition never held; stage {state.stage}, awaiting {state.awaiting}")


async def arrive_and_approve_plan(env: WorkflowEnvironment, handle: Handle) -> CaseState:
    await until(handle, lambda s: s.stage == Stage.ARRIVAL)
    state = await state_of(handle)
    await handle.execute_update(
        ReturnCaseWorkflow.confirm_arrival,
        ConfirmArrivalInput(actor=PARTNER, arrived_on=state.departed_on),
    )
    await handle.execute_update(
        ReturnCaseWorkflow.propose_plan,
        ProposePlanInput(actor=PARTNER, components=[
            ComponentIn(kind=ComponentKind.BUSINESS_START_UP, description="grocery stall",
                        budget=Decimal("1200.00")),
            ComponentIn(kind=ComponentKind.COUNSELLING, description="six sessions",
                        budget=Decimal("300.00")),
        ]),
    )
    return await handle.execute_update(
        ReturnCaseWorkflow.decide_plan,
        PlanDecisionInput(actor=SUPERVISOR, approve=True, reason="within the cap, realistic"),
    )


async def test_from_arrival_through_three_visits_to_closure_with_the_score(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    sims = clients()
    partners = SimulatedPartners()
    sims.partners = partners
    started = time.monotonic()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle = await departed(time_env, settings, engine)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        assert state.handover is not None and state.handover.partner_id == "GE-partner"
        # The partner got what it needs to receive the person, nothing about their status.
        [(partner_id, package, _)] = partners.received.values()
        assert partner_id == "GE-partner" and package.reference == state.reference
        assert "passport" not in package.model_dump_json()
        assert "legal_situation" not in package.model_dump_json()

        state = await arrive_and_approve_plan(time_env, handle)
        assert state.stage == Stage.MONITORING
        arrived = state.arrival.confirmed_on
        assert arrived is not None
        assert [v.due_on.month for v in state.monitoring.visits] == [
            (arrived.month - 1 + m) % 12 + 1 for m in (3, 6, 12)
        ]
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_assistance,
            RecordAssistanceInput(actor=PARTNER, kind=AssistanceKind.AIRPORT_PICK_UP,
                                  provided_on=arrived, cost=Decimal("40.00")),
        )
        assert state.arrival.assistance[0].cost == Decimal("40.00")
        state = await handle.execute_update(
            ReturnCaseWorkflow.report_delivery,
            ReportDeliveryInput(actor=PARTNER, component_id="c1", delivered_on=arrived,
                                actual_cost=Decimal("1150.00"), evidence_ref="INV-77"),
        )
        assert state.plan is not None and state.plan.delivered_total == Decimal("1150.00")

        ratings = [dict(GOOD, income_sufficiency=1, wellbeing=1), GOOD, dict(GOOD, work_stability=4)]
        for visit, rating in zip(state.monitoring.visits, ratings, strict=True):
            await time_env.sleep(
                max(timedelta(0), visit.due_on - await today(time_env)) + timedelta(hours=1)
            )
            state = await handle.execute_update(
                ReturnCaseWorkflow.report_monitoring,
                ReportMonitoringInput(actor=PARTNER, held_on=await today(time_env),
                                      indicators=rating),
            )
        assert state.stage == Stage.CLOSURE
        trend = state.monitoring.trend()
        # Visit 1: economic (2*1 + 2 + 4) / 4 / 4 = 0.5, social (2*4 + 3 + 4) / 16 = 0.9375,
        # psychosocial (1 + 4 + 3) / 12 = 0.667, overall their mean 0.701. Visit 3: 0.875,
        # 0.9375, 0.75 -> overall 0.854 (rounded once, at the end).
        assert [str(s.economic) for s in trend] == ["0.50", "0.75", "0.88"]
        assert [str(s.social) for s in trend] == ["0.94", "0.94", "0.94"]
        assert [str(s.psychosocial) for s in trend] == ["0.67", "0.75", "0.75"]
        assert [str(s.overall) for s in trend] == ["0.70", "0.81", "0.85"]

        await handle.execute_update(
            ReturnCaseWorkflow.propose_closure,
            ProposeClosureInput(actor=SUPERVISOR, reason=ClosureReason.COMPLETED,
                                note="three visits, sustainable"),
        )
        assert "same person cannot propose and approve" in await refused(
            handle, ReturnCaseWorkflow.decide_closure,
            ClosureDecisionInput(actor=SUPERVISOR, approve=True, reason="mine"),
        )
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_closure,
            ClosureDecisionInput(actor=SUPERVISOR_2, approve=True, reason="agreed"),
        )
        result = await handle.result()
        # Closed: no further decisions, but the case stays readable.
        assert result.status == CaseStatus.CLOSED and result.closure_reason == ClosureReason.COMPLETED
        queried = await state_of(handle)
        assert queried.monitoring.trend() == trend
        # The run has ended: an update finds no running workflow to take it.
        with pytest.raises((RPCError, WorkflowUpdateFailedError)):
            await handle.execute_update(
                ReturnCaseWorkflow.propose_closure,
                ProposeClosureInput(actor=CASEWORKER, reason=ClosureReason.LOST_CONTACT, note="x"),
            )
    assert time.monotonic() - started < 30
    with Session(engine) as session:
        case = session.get(Case, result.case_id)
        assert case is not None and case.stage == Stage.CLOSED and case.partner_id == "GE-partner"
        # The dates donor reports count by, and the costs booked where they arose.
        assert case.arrival_date == arrived and case.reintegration_date == arrived
        assert result.closed_at is not None and case.closed_date == result.closed_at.date()
        costs = session.exec(select(Cost).where(Cost.case_id == result.case_id)).all()
    by_category = {(c.category, c.amount) for c in costs}
    assert (CostCategory.POST_ARRIVAL, Decimal("40.00")) in by_category
    assert (CostCategory.REINTEGRATION, Decimal("1150.00")) in by_category


async def test_a_plan_over_the_project_budget_is_refused_with_the_figures(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    project_id = budget_project(engine, "1700.00")
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine, project_id=project_id)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        # Ticket and grant are booked; the plan (1,500.00) would take the project over 1,700.00.
        await handle.execute_update(
            ReturnCaseWorkflow.confirm_arrival,
            ConfirmArrivalInput(actor=PARTNER, arrived_on=state.departed_on),
        )
        await handle.execute_update(
            ReturnCaseWorkflow.propose_plan,
            ProposePlanInput(actor=PARTNER, components=[
                ComponentIn(kind=ComponentKind.JOB_PLACEMENT, description="bakery placement",
                            budget=Decimal("1500.00"))]),
        )
        message = await refused(
            handle, ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR, approve=True, reason="fine"),
        )
        assert "over budget: project TIGHT has a total budget of 1700.00 EUR" in message
        assert "this reintegration requests 1500.00 EUR" in message
        state = await state_of(handle)
        assert state.plan is not None and state.plan.status == PlanStatus.PROPOSED
        set_budget(engine, project_id, "5000.00")
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR, approve=True, reason="budget topped up"),
        )
        assert state.stage == Stage.MONITORING


async def test_an_unconfirmed_arrival_reminds_the_partner_and_caseworker_then_alerts_a_supervisor(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        assert state.arrival.expected_by is not None
        await time_env.sleep(state.arrival.expected_by - await time_env.get_current_time()
                             + timedelta(hours=1))
        state = await until(handle, lambda s: s.arrival.reminders_sent == 1)
        assert not state.arrival.escalated
        assert any("arrival not confirmed" in w for w in state.warnings)
        await time_env.sleep(timedelta(days=3))
        state = await until(handle, lambda s: s.arrival.escalated)
        case_id = state.case_id

    with Session(engine) as session:
        rows = session.exec(select(Notification).where(Notification.case_id == case_id)).all()
    by_user = {(r.user_id, r.subject.split(": ", 1)[1]) for r in rows}
    assert ("partner-nino", "confirm the arrival") in by_user
    assert ("cw-anna", "arrival not confirmed") in by_user
    assert ("sup-mara", "arrival still not confirmed") in by_user
    # The other organisation's partner hears nothing about this case.
    assert not any(u == "partner-ali" for u, _ in by_user)


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


async def test_a_plan_over_the_cap_is_refused_with_the_cap_and_needs_a_second_supervisor(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        household = [
            person("m1", passport_until=day + timedelta(days=900)),
            person("m2", Relationship.CHILD, minor=True, passport_until=day + timedelta(days=900)),
        ]
        handle = await departed(time_env, settings, engine, household)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        await handle.execute_update(
            ReturnCaseWorkflow.confirm_arrival,
            ConfirmArrivalInput(actor=PARTNER, arrived_on=state.departed_on),
        )
        too_much = [ComponentIn(kind=ComponentKind.HOUSING, description="rent for a year",
                                budget=Decimal("3000.01"))]
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.propose_plan, ProposePlanInput(actor=PARTNER, components=too_much)
            )
        message = str(err.value.cause)
        assert "3000.01 EUR is over the reintegration cap of 3000.00 EUR" in message
        assert "1 adult(s) x 2000.00 + 1 minor(s) x 1000.00" in message
        assert (await state_of(handle)).plan is None
        state = await handle.execute_update(
            ReturnCaseWorkflow.propose_plan,
            ProposePlanInput(actor=CASEWORKER, components=[
                ComponentIn(kind=ComponentKind.SCHOOLING, description="school fees",
                            budget=Decimal("3000.00"))]),
        )
        assert state.plan is not None and state.plan.cap == Decimal("3000.00")
        assert "role 'caseworker' may not" in await refused(
            handle, ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=CASEWORKER, approve=True, reason="ok"),
        )
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR_2, approve=False, reason="split it by term"),
        )
        assert state.plan is not None and state.plan.status == PlanStatus.SENT_BACK


async def test_a_partner_cannot_act_on_a_case_not_handed_over_to_it(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.confirm_arrival,
                ConfirmArrivalInput(actor=OTHER_PARTNER, arrived_on=state.departed_on),
            )
        assert "not handed over to your organisation" in str(err.value.cause)
        assert (await state_of(handle)).arrival.confirmed_on is None


async def test_without_partner_consent_nothing_is_handed_over(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    sims = clients()
    partners = SimulatedPartners()
    sims.partners = partners
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        from models.decisions import HandOverInput, RecordConsentInput
        from tests.workflows.scenario import through_eligibility

        await through_eligibility(handle)
        await handle.execute_update(
            ReturnCaseWorkflow.record_consent,
            RecordConsentInput(actor=CASEWORKER, declaration_signed_on=day,
                               share_with_authorities=True, share_with_partner=False,
                               witnessed_by="interpreter"),
        )
        await through_clearance(time_env, handle)
        await book(handle, day + timedelta(days=30))
        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED
        assert state.awaiting is not None and "no consent" in state.awaiting
        assert "no consent to share data with a reintegration partner" in await refused(
            handle, ReturnCaseWorkflow.hand_over, HandOverInput(actor=CASEWORKER)
        )
    assert partners.received == {}


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
