"""After departure: the decisions that follow the handover to the partner (arrival,
assistance, reintegration plan, deliveries, monitoring, closure).

Module functions given the running case; ``updates.py`` makes the updates that call them,
``aftercare_checks.py`` holds their checks, ``score.py`` the score and ``handover.py`` the
handover itself.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from temporalio import workflow

from models import decisions as inputs
from models.enums import DIMENSION_OF, CostCategory, PlanStatus, Stage
from models.funding import CostLine
from models.payloads import CaseState
from models.reintegration import (
    Assistance,
    ClosureProposal,
    MonitoringVisit,
    PlanComponent,
    ReintegrationPlan,
)
from workflows import calls, effects, minors, partner_choice, score
from workflows.aftercare import visits_after
from workflows.aftercare_checks import plan_cap
from workflows.budget import require_budget
from workflows.run import CaseRun


async def _book(
    state: CaseState, key: str, category: CostCategory, amount: Decimal, on: date, what: str
) -> None:
    """Book a cost of the case once (its key, after the case's id, makes a retry a no-op)."""
    line = CostLine(key=f"{state.case_id}:{key}", case_id=state.case_id, category=category,
                    amount=amount, incurred_on=on, description=what)
    await calls.book_costs(line)


def confirm_arrival(case: CaseRun, data: inputs.ConfirmArrivalInput) -> CaseState:
    state = case.state
    state.arrival.confirmed_on, state.arrival.confirmed_by = data.arrived_on, data.actor.id
    case.decided(data.actor, f"arrival confirmed on {data.arrived_on}")
    minors.on_arrival(case, data.arrived_on)
    case.change_stage(Stage.REINTEGRATION)
    return state


async def record_assistance(case: CaseRun, data: inputs.RecordAssistanceInput) -> CaseState:
    state = case.state
    number = len(state.arrival.assistance) + 1
    await _book(state, f"assistance:{number}", CostCategory.POST_ARRIVAL, data.cost,
                data.provided_on, f"post-arrival assistance: {data.kind}")
    state.arrival.assistance.append(
        Assistance(
            kind=data.kind, provided_on=data.provided_on, cost=data.cost, recorded_by=data.actor.id
        )
    )
    case.decided(
        data.actor,
        f"post-arrival assistance: {data.kind} on {data.provided_on}, "
        f"{data.cost} {state.policy.reintegration.currency}",
    )
    case.touch()
    return state


def propose_plan(case: CaseRun, data: inputs.ProposePlanInput) -> CaseState:
    state = case.state
    cap, _ = plan_cap(state)
    components = [
        PlanComponent(
            component_id=f"c{i + 1}",
            kind=c.kind,
            dimension=DIMENSION_OF[c.kind],
            description=c.description,
            budget=c.budget,
            level=c.level,
            other_beneficiaries=c.other_beneficiaries,
        )
        for i, c in enumerate(data.components)
    ]
    total = sum((c.budget for c in components), Decimal(0))
    state.plan = ReintegrationPlan(
        components=components,
        currency=state.policy.reintegration.currency,
        total=total,
        cap=cap,
        proposed_by=data.actor.id,
        proposed_at=workflow.now(),
    )
    case.decided(
        data.actor,
        f"reintegration plan proposed: {len(components)} component(s), {total} "
        f"{state.plan.currency} (cap {cap})",
    )
    case.touch()
    return state


async def decide_plan(case: CaseRun, data: inputs.PlanDecisionInput) -> CaseState:
    state = case.state
    plan = state.plan
    assert plan is not None
    if data.approve:
        # Refused with the project's figures when the plan would exceed its budget.
        await require_budget(state.case_id, CostCategory.REINTEGRATION, plan.total)
    plan.decided_by, plan.reason = data.actor.id, data.reason
    if not data.approve:
        plan.status = PlanStatus.SENT_BACK
        case.decided(data.actor, "reintegration plan sent back", data.reason)
        case.touch()
        return state
    plan.status = PlanStatus.APPROVED
    case.decided(data.actor, "reintegration plan approved", data.reason)
    assert state.arrival.confirmed_on is not None
    state.monitoring.visits = visits_after(
        state.arrival.confirmed_on, state.policy.aftercare.monitoring_months
    )
    case.change_stage(Stage.MONITORING)
    return state


async def report_delivery(case: CaseRun, data: inputs.ReportDeliveryInput) -> CaseState:
    state, plan = case.state, case.state.plan
    assert plan is not None
    component = next(c for c in plan.components if c.component_id == data.component_id)
    # The plan's proposal time tells a re-proposed plan's lines apart.
    await _book(state, f"plan:{plan.proposed_at:%Y%m%d%H%M%S}:{component.component_id}",
                CostCategory.REINTEGRATION, data.actual_cost, data.delivered_on,
                f"reintegration: {component.kind} ({component.dimension})")
    component.delivered_on, component.actual_cost = data.delivered_on, data.actual_cost
    component.evidence_ref, component.reported_by = data.evidence_ref, data.actor.id
    case.decided(
        data.actor,
        f"delivered: {component.kind} ({component.component_id}) on {data.delivered_on}, "
        f"{data.actual_cost} of {component.budget} {plan.currency}",
    )
    case.touch()
    return state


def report_monitoring(case: CaseRun, data: inputs.ReportMonitoringInput) -> CaseState:
    state = case.state
    visit = state.monitoring.open_visits()[0]
    visit.reported_on, visit.reported_by = data.held_on, data.actor.id
    visit.indicators = dict(data.indicators)
    visit.score = score.score(data.indicators, state.policy.aftercare.scoring)
    late = " (late)" if visit.overdue else ""
    visit.overdue = False
    case.decided(
        data.actor,
        f"monitoring visit {visit.number} reported{late}: score {visit.score.overall} "
        f"(economic {visit.score.economic}, social {visit.score.social}, "
        f"psychosocial {visit.score.psychosocial})",
    )
    if state.monitoring.open_visits():
        case.touch()
    else:
        case.change_stage(Stage.CLOSURE)
    return state


def add_monitoring_visit(case: CaseRun, data: inputs.AddVisitInput) -> CaseState:
    state = case.state
    visits = state.monitoring.visits
    visits.append(
        MonitoringVisit(number=len(visits) + 1, due_on=data.due_on, extra_reason=data.reason)
    )
    case.decided(data.actor, f"extra monitoring visit added, due {data.due_on}", data.reason)
    if state.stage == Stage.CLOSURE:
        case.change_stage(Stage.MONITORING)
    else:
        case.touch()
    return state


def end_monitoring(case: CaseRun, data: inputs.EndMonitoringInput) -> CaseState:
    state = case.state
    dropped = [v.number for v in state.monitoring.open_visits()]
    state.monitoring.visits = [v for v in state.monitoring.visits if v.reported_on is not None]
    state.monitoring.ended_early_by, state.monitoring.end_reason = data.actor.id, data.reason
    case.decided(
        data.actor,
        f"monitoring ended early (visits {', '.join(map(str, dropped)) or 'none'} dropped)",
        data.reason,
    )
    case.change_stage(Stage.CLOSURE)
    return state


def propose_closure(case: CaseRun, data: inputs.ProposeClosureInput) -> CaseState:
    state = case.state
    state.closure_proposal = ClosureProposal(
        reason=data.reason,
        note=data.note,
        proposed_by=data.actor.id,
        proposed_at=workflow.now(),
        from_stage=state.stage,
    )
    case.decided(data.actor, f"closure proposed: {data.reason}", data.note)
    case.touch()
    return state


async def decide_closure(case: CaseRun, data: inputs.ClosureDecisionInput) -> CaseState:
    state = case.state
    proposal = state.closure_proposal
    assert proposal is not None
    if not data.approve:
        state.closure_proposal = None
        case.decided(data.actor, f"closure ({proposal.reason}) sent back", data.reason)
        case.touch()
        return state
    case.decided(data.actor, f"closure approved: {proposal.reason}", data.reason)
    if state.departed_on is None:
        # Before departure a booking or a document request may still be open; the partner
        # told the travel is told it is cancelled.
        await partner_choice.before_closing(case)
        await effects.close_with_compensation(case, proposal.reason, proposal.note)
    else:
        case.close(proposal.reason, proposal.note)
    return state
