"""The handover of a departed case to the reintegration partner for its country.

Run by the run loop once the departure is confirmed with the partner consent, or by the
``hand_over`` update after a failed attempt; then the case waits for the arrival.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from models.decisions import HandOverInput
from models.enums import Stage
from models.external import NO_PARTNER, HandoverRequest
from models.payloads import CaseState
from models.reintegration import Handover
from workflows import calls, partner_choice, partner_messages
from workflows.aftercare import at_midnight
from workflows.run import CaseRun


async def requested(case: CaseRun, data: HandOverInput) -> CaseState:
    """The ``hand_over`` update: again, after a failed attempt (or after adding a partner)."""
    case.decided(data.actor, "handover to the partner requested")
    await hand_over(case)
    return case.state


async def hand_over(case: CaseRun) -> None:
    """Hand the case to the partner for its country; then wait for the arrival."""
    state = case.state
    if state.consent is None or not state.consent.share_with_partner:
        return  # the validator refuses it; a guard here too, nothing leaves without consent
    assert state.departed_on is not None
    flown = state.bookings[-1] if state.bookings else None
    request = HandoverRequest(
        case_id=state.case_id,
        handover_key=f"{state.case_id}:handover:{state.timeline_seq}",
        country_of_origin=state.country_of_origin,
        departed_on=state.departed_on,
        partner_id=partner_choice.handover_partner(state),
        travel=partner_messages.travel_of(flown) if flown else None,
    )
    result, reason = await calls.unless_refused(calls.hand_over(request), NO_PARTNER)
    if result is None:
        case.call_outcome("handover to a partner failed", reason=reason)
        state.handover_refused = reason
        case.touch()
        return
    state.handover = Handover(
        partner_id=result.partner_id,
        handed_over_at=workflow.now(),
        partner_ref=result.partner_ref,
    )
    case.call_outcome(
        f"case handed over to partner {result.partner_id}", partner_ref=result.partner_ref
    )
    policy = state.policy.aftercare
    state.arrival.expected_by = at_midnight(state.departed_on) + timedelta(
        days=policy.arrival_confirmation_days
    )
    state.arrival.escalate_at = state.arrival.expected_by + timedelta(
        days=policy.arrival_escalation_days
    )
    state.handover_refused = None
    case.change_stage(Stage.ARRIVAL)
