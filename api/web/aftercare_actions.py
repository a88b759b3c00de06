"""The decisions after departure as web forms: handover, arrival, assistance, plan,
deliveries, monitoring, closure. Staff see them on the case page, a partner on its own page
(only for cases handed over to its organisation, as the API's PartnerCaseDep)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from api.web.actions import FAR, Action, Field, Offer, _model
from models import decisions as d
from models import schemas as s
from models import schemas_aftercare as sa
from models.enums import AssistanceKind, ClosureReason, ComponentKind, Stage
from models.payloads import CaseState
from workflows import aftercare_checks as ac
from workflows.return_case import ReturnCaseWorkflow

APPROVE = (("true", "Approve"), ("false", "Send back"))
PLAN_ROWS = 3


def _human(values: Any) -> tuple[tuple[str, str], ...]:
    return tuple((v.value, v.value.replace("_", " ")) for v in values)


def _since(state: CaseState, today: date) -> date:
    """The earliest day a report after departure can carry: the arrival, else the departure.
    The workflow's clock may run ahead of this server's; the probe runs on the later one."""
    return max(today, state.arrival.confirmed_on or state.departed_on or today)


def _since_text(state: CaseState, today: date) -> str:
    return (state.arrival.confirmed_on or state.departed_on or today).isoformat()


def _plan_fields(state: CaseState) -> tuple[Field, ...]:
    fields: list[Field] = []
    for i in range(PLAN_ROWS):
        n = i + 1
        fields += [
            Field(f"kind-{i}", f"Component {n}: kind", "select", _human(ComponentKind),
                  required=i == 0),
            Field(f"description-{i}", f"Component {n}: description", required=i == 0),
            Field(f"budget-{i}", f"Component {n}: budget ({state.policy.reintegration.currency})",
                  required=i == 0),
        ]
    return tuple(fields)


def _parse_plan(form: dict[str, str]) -> dict[str, Any]:
    rows = [
        {"kind": form.get(f"kind-{i}", ""), "description": form.get(f"description-{i}", "").strip(),
         "budget": form.get(f"budget-{i}", "").strip()}
        for i in range(PLAN_ROWS)
    ]
    return {"components": [r for r in rows if r["description"] or r["budget"]]}


def _indicator_fields(state: CaseState) -> tuple[Field, ...]:
    scoring = state.policy.aftercare.scoring
    scale = tuple((str(n), str(n)) for n in range(scoring.scale_max, -1, -1))
    return tuple(
        Field(f"ind-{i.key}", f"{i.question} (0–{scoring.scale_max})", "select", scale,
              blank="rate")
        for i in scoring.indicators
    )


def _parse_monitoring(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "indicators": {k[4:]: v for k, v in form.items() if k.startswith("ind-")},
    }
    if form.get("held_on", "").strip():
        body["held_on"] = form["held_on"].strip()
    return body


def _visit_offers(state: CaseState) -> list[Offer]:
    visits = state.monitoring.open_visits()
    return [Offer(suffix=f"visit {visits[0].number}, due {visits[0].due_on}")] if visits else []


def _component_offers(state: CaseState) -> list[Offer]:
    if state.plan is None:
        return []
    return [
        Offer(fixed={"component_id": c.component_id},
              suffix=f"{c.component_id} {c.kind.value.replace('_', ' ')}")
        for c in state.plan.components if c.delivered_on is None
    ]


def _closure_probe_reason(state: CaseState) -> ClosureReason:
    if state.stage == Stage.CLOSURE:
        return ClosureReason.COMPLETED
    return ClosureReason.LOST_CONTACT if state.departed_on else ClosureReason.WITHDRAWN


AFTERCARE_ACTIONS: tuple[Action, ...] = (
    Action(
        "handover", "Hand the case over to the partner", "/cases/{case_id}/handover",
        ReturnCaseWorkflow.hand_over, ac.hand_over, None, _model(d.HandOverInput),
        lambda st, actor, today, o: d.HandOverInput(actor=actor), button="Hand over",
    ),
    Action(
        "arrival", "Confirm the arrival", "/cases/{case_id}/arrival",
        ReturnCaseWorkflow.confirm_arrival, ac.arrival, sa.ArrivalIn,
        _model(d.ConfirmArrivalInput),
        lambda st, actor, today, o: d.ConfirmArrivalInput(
            actor=actor, arrived_on=st.departed_on or today),
        fields=(Field("arrived_on", "Arrived on", "date", default=_since_text),),
        button="Confirm arrival", probe_day=_since,
    ),
    Action(
        "assistance", "Record post-arrival assistance", "/cases/{case_id}/arrival/assistance",
        ReturnCaseWorkflow.record_assistance, ac.assistance, sa.AssistanceIn,
        _model(d.RecordAssistanceInput),
        lambda st, actor, today, o: d.RecordAssistanceInput(
            actor=actor, kind=AssistanceKind.AIRPORT_PICK_UP,
            provided_on=st.arrival.confirmed_on or today, cost=Decimal(0)),
        fields=(
            Field("kind", "Assistance", "select", _human(AssistanceKind)),
            Field("provided_on", "Provided on", "date", default=_since_text),
            Field("cost", "Cost"),
        ),
        probe_day=_since,
    ),
    Action(
        "plan-proposal", "Propose the reintegration plan", "/cases/{case_id}/reintegration-plan",
        ReturnCaseWorkflow.propose_plan, ac.propose_plan, sa.PlanIn, _model(d.ProposePlanInput),
        lambda st, actor, today, o: d.ProposePlanInput(actor=actor, components=[
            sa.ComponentIn(kind=ComponentKind.COUNSELLING, description="-", budget=Decimal(0))]),
        more_fields=_plan_fields, parse=_parse_plan, button="Propose",
    ),
    Action(
        "plan-decision", "Decide on the reintegration plan",
        "/cases/{case_id}/reintegration-plan/decision",
        ReturnCaseWorkflow.decide_plan, ac.decide_plan, s.ApprovalIn, _model(d.PlanDecisionInput),
        lambda st, actor, today, o: d.PlanDecisionInput(actor=actor, approve=True, reason="-"),
        fields=(Field("approve", "Decision", "select", APPROVE), Field("reason", "Reason", "textarea")),
        button="Decide",
    ),
    Action(
        "delivery", "Report a delivery", "/cases/{case_id}/reintegration-plan/deliveries",
        ReturnCaseWorkflow.report_delivery, ac.delivery, sa.DeliveryIn,
        _model(d.ReportDeliveryInput),
        lambda st, actor, today, o: d.ReportDeliveryInput(
            actor=actor, component_id=o.fixed["component_id"],
            delivered_on=st.arrival.confirmed_on or today, actual_cost=Decimal(0),
            evidence_ref="-"),
        fields=(
            Field("component_id", "Component", "hidden"),
            Field("delivered_on", "Delivered on", "date", default=_since_text),
            Field("actual_cost", "Actual cost"),
            Field("evidence_ref", "Evidence reference"),
        ),
        offers=_component_offers, probe_day=_since,
    ),
    Action(
        "monitoring-report", "Report a monitoring visit", "/cases/{case_id}/monitoring/reports",
        ReturnCaseWorkflow.report_monitoring, ac.monitoring_report, sa.MonitoringReportIn,
        _model(d.ReportMonitoringInput),
        lambda st, actor, today, o: d.ReportMonitoringInput(
            actor=actor, held_on=st.arrival.confirmed_on or today,
            indicators={i.key: 0 for i in st.policy.aftercare.scoring.indicators}),
        fields=(Field("held_on", "Visit held on", "date", default=_since_text),),
        more_fields=_indicator_fields, parse=_parse_monitoring, offers=_visit_offers,
        probe_day=_since, button="Report visit",
    ),
    Action(
        "monitoring-visit", "Add a monitoring visit", "/cases/{case_id}/monitoring/visits",
        ReturnCaseWorkflow.add_monitoring_visit, ac.add_visit, sa.ExtraVisitIn,
        _model(d.AddVisitInput),
        lambda st, actor, today, o: d.AddVisitInput(
            actor=actor, due_on=today + FAR, reason="-"),
        fields=(Field("due_on", "Due on", "date"), Field("reason", "Reason", "textarea")),
        button="Add visit",
    ),
    Action(
        "monitoring-end", "End monitoring early", "/cases/{case_id}/monitoring/end",
        ReturnCaseWorkflow.end_monitoring, ac.end_monitoring, sa.EndMonitoringIn,
        _model(d.EndMonitoringInput),
        lambda st, actor, today, o: d.EndMonitoringInput(actor=actor, reason="-"),
        fields=(Field("reason", "Reason", "textarea"),), button="End monitoring",
    ),
    Action(
        "closure-proposal", "Propose closing the case", "/cases/{case_id}/closure/proposal",
        ReturnCaseWorkflow.propose_closure, ac.propose_closure, sa.ClosureProposalIn,
        _model(d.ProposeClosureInput),
        lambda st, actor, today, o: d.ProposeClosureInput(
            actor=actor, reason=_closure_probe_reason(st), note="-"),
        fields=(
            Field("reason", "Reason", "select", _human(ClosureReason)),
            Field("note", "Note", "textarea"),
        ),
        # Before departure the withdrawal form proposes the closure (withdrawn, absconded).
        offers=lambda st: [Offer()] if st.departed_on is not None else [],
        button="Propose closure",
    ),
    Action(
        "closure-decision", "Decide on closing the case", "/cases/{case_id}/closure/decision",
        ReturnCaseWorkflow.decide_closure, ac.decide_closure, s.ApprovalIn,
        _model(d.ClosureDecisionInput),
        lambda st, actor, today, o: d.ClosureDecisionInput(actor=actor, approve=True, reason="-"),
        fields=(Field("approve", "Decision", "select", APPROVE), Field("reason", "Reason", "textarea")),
        button="Decide",
    ),
)


