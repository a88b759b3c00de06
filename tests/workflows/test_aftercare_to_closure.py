"""After departure, the whole way: handover, arrival, plan, monitoring with the score, closure."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.partners import SimulatedPartners
from core.settings import Settings
from models.costs import Cost
from models.decisions import (
    ClosureDecisionInput,
    ProposeClosureInput,
    RecordAssistanceInput,
    ReportDeliveryInput,
    ReportMonitoringInput,
)
from models.enums import AssistanceKind, CaseStatus, ClosureReason, CostCategory, Stage
from models.report_data import MonitoringScoreRow, PlanComponentRow
from models.tables import Case
from tests.workflows.aftercare_steps import (
    GOOD,
    PARTNER,
    SUPERVISOR_2,
    add_partners,
    arrive_and_approve_plan,
    departed,
    refused,
    state_of,
    until,
)
from tests.workflows.scenario import CASEWORKER, SUPERVISOR, clients, today
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


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
        plan = session.exec(select(PlanComponentRow)
                            .where(PlanComponentRow.case_id == result.case_id)
                            .order_by(PlanComponentRow.component_id)).all()
        scores = session.exec(select(MonitoringScoreRow)
                              .where(MonitoringScoreRow.case_id == result.case_id)
                              .order_by(MonitoringScoreRow.number)).all()
    by_category = {(c.category, c.amount) for c in costs}
    assert (CostCategory.POST_ARRIVAL, Decimal("40.00")) in by_category
    assert (CostCategory.REINTEGRATION, Decimal("1150.00")) in by_category
    # Every decision above went to the workflow itself, none through the API: the projection
    # wrote the plan and the scored visits that donor reports count, under the case's project.
    assert [(c.component_id, c.approved, c.delivered_on, c.actual_cost) for c in plan] == [
        ("c1", True, arrived, Decimal("1150.00")), ("c2", True, None, None)]
    assert [(v.number, v.months_after_arrival, str(v.overall)) for v in scores] == [
        (1, 3, "0.70"), (2, 6, "0.81"), (3, 12, "0.85")]
    assert {r.project_id for r in [*plan, *scores]} == {case.project_id}
