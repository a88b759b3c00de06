"""What each decision after departure requires: the checks behind the validators.

Like checks.py: one function per update, ``(state, input, today) -> None``, raising a
``DecisionRefused`` error with a reason a caseworker, supervisor or partner can act on; the
roles come from the declarations (workflows/phases).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models import decisions as inputs
from models.enums import CaseStatus, ClosureReason, PlanStatus, Role, Stage
from models.payloads import Actor, CaseState
from models.policy import working_days_between
from workflows import rules, score
from workflows.refusals import refusal

AFTER_DEPARTURE = (Stage.DEPARTED, Stage.ARRIVAL, Stage.REINTEGRATION, Stage.MONITORING)
AFTER_ARRIVAL = (Stage.REINTEGRATION, Stage.MONITORING, Stage.CLOSURE)
OPEN_STAGES = tuple(s for s in Stage if s != Stage.CLOSED)
PRE_DEPARTURE_ONLY = (ClosureReason.NOT_ELIGIBLE, ClosureReason.NO_TRAVEL_DOCUMENT)


def _stage(s: CaseState, stages: tuple[Stage, ...], action: str) -> None:
    rules.require_stage(s, stages, action)


def partner_or_staff(s: CaseState, actor: Actor, action: str) -> None:
    """Staff, or a user of the partner organisation the case was handed over to."""
    if actor.role == Role.PARTNER:
        partner = s.handover.partner_id if s.handover else None
        if partner is None or actor.organisation != partner:
            raise refusal("not_handed_over_to_you", action=action)


def _not_future(day: date, today: date, field: str) -> None:
    rules.require_not_future(day, today, field)


def _not_before_arrival(s: CaseState, day: date, field: str) -> None:
    arrived = s.arrival.confirmed_on
    if arrived and day < arrived:
        raise refusal("before_arrival", field=field, day=day, arrived=arrived)


def hand_over(s: CaseState, data: inputs.HandOverInput, today: date) -> None:
    _stage(s, (Stage.DEPARTED,), "hand the case over")
    if s.handover is not None:
        raise refusal("already_handed_over", partner=s.handover.partner_id)
    if s.consent is None or not s.consent.share_with_partner:
        raise refusal("handover_no_consent")


def arrival(s: CaseState, data: inputs.ConfirmArrivalInput, today: date) -> None:
    partner_or_staff(s, data.actor, "confirm the arrival")
    _stage(s, (Stage.ARRIVAL,), "confirm the arrival")
    _not_future(data.arrived_on, today, "arrived_on")
    if s.departed_on and data.arrived_on < s.departed_on:
        raise refusal("arrival_before_departure", arrived_on=data.arrived_on, departed_on=s.departed_on)


def assistance(s: CaseState, data: inputs.RecordAssistanceInput, today: date) -> None:
    partner_or_staff(s, data.actor, "record post-arrival assistance")
    _stage(s, (Stage.REINTEGRATION, Stage.MONITORING), "record post-arrival assistance")
    _not_future(data.provided_on, today, "provided_on")
    _not_before_arrival(s, data.provided_on, "provided_on")
    arrived = s.arrival.confirmed_on
    window = s.policy.aftercare.assistance_window_working_days
    if arrived and working_days_between(arrived, data.provided_on) > window:
        raise refusal("assistance_too_late", window=window, arrived=arrived,
                      provided_on=data.provided_on)


def plan_cap(s: CaseState) -> tuple[Decimal, str]:
    caps = s.policy.reintegration
    minors = sum(1 for m in s.household if m.is_minor)
    adults = len(s.household) - minors
    cap = caps.per_adult * adults + caps.per_minor * minors
    how = (
        f"{adults} adult(s) x {caps.per_adult} + {minors} minor(s) x {caps.per_minor} "
        f"{caps.currency}"
    )
    return cap, how


def propose_plan(s: CaseState, data: inputs.ProposePlanInput, today: date) -> None:
    partner_or_staff(s, data.actor, "propose a reintegration plan")
    _stage(s, (Stage.REINTEGRATION,), "propose a reintegration plan")
    if s.plan is not None and s.plan.status != PlanStatus.SENT_BACK:
        raise refusal("plan_already", status=s.plan.status)
    total = sum((c.budget for c in data.components), Decimal(0))
    cap, how = plan_cap(s)
    if total > cap:
        raise refusal("plan_over_cap", total=total, cap=cap, how=how,
                      currency=s.policy.reintegration.currency)


def decide_plan(s: CaseState, data: inputs.PlanDecisionInput, today: date) -> None:
    _stage(s, (Stage.REINTEGRATION,), "decide on the reintegration plan")
    if s.plan is None or s.plan.status != PlanStatus.PROPOSED:
        raise refusal("no_plan_waiting")
    rules.require_four_eyes(data.actor, s.plan.proposed_by, "decide on the reintegration plan")


def delivery(s: CaseState, data: inputs.ReportDeliveryInput, today: date) -> None:
    partner_or_staff(s, data.actor, "report a delivery")
    _stage(s, (Stage.REINTEGRATION, Stage.MONITORING, Stage.CLOSURE), "report a delivery")
    if s.plan is None or s.plan.status != PlanStatus.APPROVED:
        raise refusal("delivery_plan_not_approved")
    component = next((c for c in s.plan.components if c.component_id == data.component_id), None)
    if component is None:
        ids = ", ".join(c.component_id for c in s.plan.components)
        raise refusal("no_such_component", component=data.component_id, ids=ids)
    if component.delivered_on is not None:
        raise refusal("component_delivered", component=data.component_id,
                      delivered_on=component.delivered_on)
    _not_future(data.delivered_on, today, "delivered_on")
    _not_before_arrival(s, data.delivered_on, "delivered_on")


def monitoring_report(s: CaseState, data: inputs.ReportMonitoringInput, today: date) -> None:
    partner_or_staff(s, data.actor, "report a monitoring visit")
    _stage(s, (Stage.MONITORING,), "report a monitoring visit")
    if not s.monitoring.open_visits():
        raise refusal("no_visit_open")
    _not_future(data.held_on, today, "held_on")
    _not_before_arrival(s, data.held_on, "held_on")
    wrong = score.problems(data.indicators, s.policy.aftercare.scoring)
    if wrong:
        raise refusal("indicators_not_valid", problems="; ".join(wrong))


def add_visit(s: CaseState, data: inputs.AddVisitInput, today: date) -> None:
    _stage(s, (Stage.MONITORING, Stage.CLOSURE), "add a monitoring visit")
    if s.closure_proposal is not None:
        raise refusal("visit_closure_pending")
    if s.plan is None or s.plan.status != PlanStatus.APPROVED:
        raise refusal("visit_before_plan_approved")
    if data.due_on <= today:
        raise refusal("visit_due_not_future", due_on=data.due_on)


def end_monitoring(s: CaseState, data: inputs.EndMonitoringInput, today: date) -> None:
    _stage(s, (Stage.MONITORING,), "end monitoring early")


def propose_closure(s: CaseState, data: inputs.ProposeClosureInput, today: date) -> None:
    _stage(s, OPEN_STAGES, "propose closing the case")
    if s.closure_proposal is not None:
        raise refusal("closure_waiting", reason=s.closure_proposal.reason)
    departed = s.departed_on is not None
    if departed and data.reason in PRE_DEPARTURE_ONLY:
        raise refusal("departed_closure_reason", reason=data.reason)
    if data.reason == ClosureReason.COMPLETED and s.stage != Stage.CLOSURE:
        raise refusal("completed_before_monitoring_end", stage=s.stage)


def decide_closure(s: CaseState, data: inputs.ClosureDecisionInput, today: date) -> None:
    if s.status == CaseStatus.CLOSED:
        raise refusal("case_closed")
    if s.closure_proposal is None:
        raise refusal("no_closure_proposal")
    rules.require_four_eyes(data.actor, s.closure_proposal.proposed_by, "decide on the closure")
