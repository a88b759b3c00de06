"""The reintegration plan: proposed within the caps, approved, delivered component by
component."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from models import decisions as inputs
from models import schemas_aftercare as aftercare_schemas
from models.enums import ComponentKind, ComponentLevel, TaskKind
from models.payloads import CaseState
from workflows import aftercare_checks as ac
from workflows.decision import Decision, Field, Form, Offer
from workflows.phases.arrival import since, since_text
from workflows.phases.common import STAFF_OR_PARTNER, approval, human

PLAN_ROWS = 3


def _plan_fields(state: CaseState) -> tuple[Field, ...]:
    fields: list[Field] = []
    for i in range(PLAN_ROWS):
        n = i + 1
        fields += [
            Field(f"kind-{i}", f"Component {n}: kind", "select", human(ComponentKind),
                  required=i == 0),
            Field(f"description-{i}", f"Component {n}: description", required=i == 0),
            Field(f"budget-{i}", f"Component {n}: budget ({state.policy.reintegration.currency})",
                  required=i == 0),
            Field(f"level-{i}", f"Component {n}: level", "select", human(ComponentLevel),
                  required=False),
            Field(f"other_beneficiaries-{i}",
                  f"Component {n}: other beneficiaries (community level)", required=False),
        ]
    return tuple(fields)


def _parse_plan(form: dict[str, str]) -> dict[str, Any]:
    rows = [
        {"kind": form.get(f"kind-{i}", ""), "description": form.get(f"description-{i}", "").strip(),
         "budget": form.get(f"budget-{i}", "").strip(),
         "level": form.get(f"level-{i}", "") or ComponentLevel.INDIVIDUAL.value,
         "other_beneficiaries": form.get(f"other_beneficiaries-{i}", "").strip() or 0}
        for i in range(PLAN_ROWS)
    ]
    return {"components": [r for r in rows if r["description"] or r["budget"]]}


def _component_offers(state: CaseState) -> list[Offer]:
    if state.plan is None:
        return []
    return [
        Offer(fixed={"component_id": c.component_id},
              suffix=f"{c.component_id} {c.kind.value.replace('_', ' ')}")
        for c in state.plan.components if c.delivered_on is None
    ]


PROPOSE_PLAN = Decision(
    update="propose_plan", path="/cases/{case_id}/reintegration-plan", roles=STAFF_OR_PARTNER,
    action="propose a reintegration plan", input=inputs.ProposePlanInput, check=ac.propose_plan,
    body=aftercare_schemas.PlanIn, doc="Propose the reintegration plan; refused over the project's caps.",
    form=Form(
        "plan-proposal", "Propose the reintegration plan",
        lambda st, actor, today, o: inputs.ProposePlanInput(actor=actor, components=[
            aftercare_schemas.ComponentIn(kind=ComponentKind.COUNSELLING, description="-", budget=Decimal(0))]),
        more_fields=_plan_fields, parse=_parse_plan, button="Propose",
    ),
)

DECIDE_PLAN = approval(
    "decide_plan", "/cases/{case_id}/reintegration-plan/decision",
    "decide on the reintegration plan", inputs.PlanDecisionInput, ac.decide_plan,
    "Approve or send back the plan (a supervisor who did not propose it).",
    ("plan-decision", "Decide on the reintegration plan"), answers=(TaskKind.APPROVE_PLAN,),
)

REPORT_DELIVERY = Decision(
    update="report_delivery", path="/cases/{case_id}/reintegration-plan/deliveries",
    roles=STAFF_OR_PARTNER, action="report a delivery", input=inputs.ReportDeliveryInput,
    check=ac.delivery, body=aftercare_schemas.DeliveryIn,
    doc="Report one plan component delivered: date, actual cost, evidence reference.",
    form=Form(
        "delivery", "Report a delivery",
        lambda st, actor, today, o: inputs.ReportDeliveryInput(
            actor=actor, component_id=o.fixed["component_id"],
            delivered_on=st.arrival.confirmed_on or today, actual_cost=Decimal(0),
            evidence_ref="-"),
        fields=(
            Field("component_id", "Component", "hidden"),
            Field("delivered_on", "Delivered on", "date", default=since_text),
            Field("actual_cost", "Actual cost"),
            Field("evidence_ref", "Evidence reference"),
        ),
        offers=_component_offers, probe_day=since,
    ),
)

DECISIONS = (PROPOSE_PLAN, DECIDE_PLAN, REPORT_DELIVERY)
