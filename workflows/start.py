"""The state a case's workflow starts from: at intake for a new case, or at a later stage
for a case imported from a programme's own records (``state_at_stage``, used by the import
service), so the transitions a stage implies are written here and nowhere else."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from models.case_state import CaseFacts
from models.enums import PlanStatus, Stage
from models.payloads import (
    CaseState,
    CaseWorkflowInput,
    Consent,
    Eligibility,
    PriorHistory,
    StageChange,
)
from models.reintegration import Handover, ReintegrationPlan
from workflows import rules, tasks
from workflows.aftercare import at_midnight, visits_after
from workflows.aftercare_checks import plan_cap

STAGES = list(Stage)
AFTER_ARRIVAL = (Stage.REINTEGRATION, Stage.MONITORING, Stage.CLOSURE)


def first_state(data: CaseWorkflowInput) -> CaseState:
    """A new case, at intake: its household's vulnerability steps still to do."""
    facts = {name: getattr(data, name) for name in CaseFacts.model_fields}
    return CaseState(**facts, steps=rules.steps_for(data.household))


def state_at_stage(data: CaseWorkflowInput, prior: PriorHistory, now: datetime) -> CaseState:
    """An imported case at its stage, with what the stage implies done by ``recorded_by``.

    A case at departed or arrival is handed over by its workflow as soon as it starts; one
    that arrived before the import was handed over to ``partner_id`` already."""
    reached, by = STAGES.index(prior.stage), prior.recorded_by
    state = first_state(data)
    state.stage, state.departed_on = prior.stage, prior.departed_on
    state.stage_history = [StageChange(stage=prior.stage, at=now)]
    state.updated_at = now
    if reached > STAGES.index(Stage.VULNERABILITY):
        for step in state.steps:
            step.done, step.completed_by = True, by
            step.notes = "done before the case was imported"
    if reached > STAGES.index(Stage.ELIGIBILITY):
        state.eligibility = Eligibility(
            assessed_by=by, eligible=True, notes="assessed before the case was imported",
            assessed_at=at_midnight(prior.intake_date), decided_by=by, approved=True,
        )
    if prior.consent_signed_on is not None and reached > STAGES.index(Stage.CONSENT):
        state.consent = Consent(
            declaration_signed_on=prior.consent_signed_on, share_with_authorities=True,
            share_with_partner=True, witnessed_by="recorded before the case was imported",
            recorded_by=by,
        )
    if prior.stage in (Stage.DEPARTED, Stage.ARRIVAL):
        state.stage, state.handover_due = Stage.DEPARTED, True
    elif prior.stage in AFTER_ARRIVAL:
        _arrived(state, prior, now)
    state.awaiting = tasks.awaiting(state)
    # The first run projects the imported state (partner, awaiting) at once.
    state.unprojected = True
    return state


def _arrived(state: CaseState, prior: PriorHistory, now: datetime) -> None:
    """Handed over, arrival confirmed; in monitoring or closure the plan counts as approved
    (its lines were delivered outside Homeward) and only visits still ahead are scheduled."""
    assert prior.departed_on is not None and prior.arrived_on is not None
    state.handover = Handover(partner_id=prior.partner_id or "",
                              handed_over_at=at_midnight(prior.departed_on),
                              partner_ref="imported")
    state.arrival.confirmed_on, state.arrival.confirmed_by = prior.arrived_on, prior.recorded_by
    if prior.stage == Stage.REINTEGRATION:
        return
    cap, _ = plan_cap(state)
    state.plan = ReintegrationPlan(
        components=[], currency=state.policy.reintegration.currency,
        total=prior.reintegration_spent or Decimal("0.00"), cap=cap, status=PlanStatus.APPROVED,
        proposed_by=prior.recorded_by, proposed_at=now, decided_by=prior.recorded_by,
        reason="approved before the case was imported",
    )
    months = state.policy.aftercare.monitoring_months if prior.stage == Stage.MONITORING else []
    visits = visits_after(prior.arrived_on, months)
    state.monitoring.visits = [v for v in visits if v.due_on >= now.date()]
    if not state.monitoring.visits:
        state.stage = Stage.CLOSURE


def state_received(data: CaseWorkflowInput, prior: PriorHistory, partner_ref: str,
                   now: datetime) -> CaseState:
    """A case received from another Homeward installation (docs/exchange.md): departed and
    handed over to this installation (``prior.partner_id`` names the sender), waiting for its
    arrival; the consent is the one the sender recorded, received with the case."""
    assert prior.departed_on is not None and prior.consent_signed_on is not None
    state = state_at_stage(data, prior.model_copy(update={"stage": Stage.DEPARTED}), now)
    state.handover_due = False
    state.consent = Consent(
        declaration_signed_on=prior.consent_signed_on, share_with_authorities=False,
        share_with_partner=True, witnessed_by=f"received from {prior.partner_id}",
        recorded_by=prior.recorded_by,
    )
    state.handover = Handover(partner_id=prior.partner_id or "", handed_over_at=now,
                              partner_ref=partner_ref)
    policy = state.policy.aftercare
    state.arrival.expected_by = at_midnight(prior.departed_on) + timedelta(
        days=policy.arrival_confirmation_days)
    state.arrival.escalate_at = state.arrival.expected_by + timedelta(
        days=policy.arrival_escalation_days)
    state.stage = Stage.ARRIVAL
    state.stage_history = [StageChange(stage=Stage.ARRIVAL, at=now)]
    state.awaiting = tasks.awaiting(state)
    return state
