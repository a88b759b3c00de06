"""Refusals with a stable code and parameters, besides their English text.

The API answers a refusal with its English ``detail`` and, from here, its ``code`` and
``params`` (README, "Refusals and errors"); the web interface shows the refusal in the user's
language by translating ``REFUSALS[code]`` with the parameters (api/web/refusals.py). The
English texts are marked for extraction with ``N_`` (a no-op here: workflow code imports
nothing of Babel). A code is never renamed: clients may match on it.

Parameters are facts (dates, stages, kinds), never personal data: they travel in the
update's failure like the English text always did. Only rejections carry them, which are not
recorded in the history, so histories replay unchanged.
"""

from __future__ import annotations

from typing import Any

from temporalio.exceptions import ApplicationError


def N_(message: str) -> str:
    """Marks an English message for extraction (core/messages.py); translated where shown."""
    return message


# code -> English text with %(param)s placeholders.
REFUSALS: dict[str, str] = {
    "wrong_stage": N_("cannot %(action)s: the case is in stage '%(stage)s', not '%(allowed)s'"),
    "role_not_allowed": N_(
        "cannot %(action)s: role '%(role)s' may not do this (allowed: %(allowed)s)"
    ),
    "four_eyes": N_("cannot %(action)s: the same person cannot propose and approve (four eyes)"),
    "date_in_future": N_("%(field)s %(day)s is in the future"),
    "counselling_in_future": N_("a counselling session cannot be in the future"),
    "intake_without_counselling": N_(
        "intake cannot be completed before at least one counselling session is recorded"
    ),
    "assessment_waiting": N_("an eligibility assessment is already waiting for approval"),
    "no_assessment_waiting": N_(
        "cannot decide on eligibility: no assessment is waiting for approval"
    ),
    "departure_in_past": N_("the departure date %(departure)s is in the past"),
    "departure_not_future": N_("the departure date %(departure)s must be in the future"),
    "departure_too_soon": N_(
        "the departure date %(departure)s is too soon: the project's policy books flights "
        "from %(earliest)s on"
    ),
    "certificate_expires": N_(
        "the fit-to-travel certificate of member %(member)s expires %(valid_until)s, "
        "before the departure on %(departure)s"
    ),
    "certificate_needs_expiry": N_("a fit-to-travel certificate needs its expiry date (valid_until)"),
    "refusal_needs_reason": N_("a refusal needs the embassy's reason"),
    "escort_decision_needed": N_("an escort decision must say whether an escort is required"),
    "escort_required": N_("an escort is required for this household (escort decision)"),
    "issued_document_needs_validity": N_("an issued travel document needs a validity date in the future"),
    "visit_before_plan_approved": N_("cannot add a monitoring visit before the plan is approved"),
    "visit_closure_pending": N_("cannot add a monitoring visit: a closure proposal is pending"),
    "reassign_closed": N_("cannot reassign the case: it is closed"),
    "remind_closed": N_("cannot remind the assignee: the case is closed"),
    "delivery_plan_not_approved": N_("cannot report a delivery: the reintegration plan is not approved"),
    "no_grant_waiting": N_("no cash grant is waiting for approval"),
    "no_payment_to_retry": N_("no declined grant payment is waiting for a retry"),
    "no_visit_open": N_("no monitoring visit is open"),
    "no_no_show_waiting": N_("no no-show is waiting for a decision"),
    "nothing_to_escalate": N_("nothing to escalate: the embassy refused before filing a request"),
    "rebooking_needs_date": N_("rebooking needs new_departure_date"),
    "no_members_for_grant": N_("the case has no household members to compute a grant for"),
    "no_members_to_travel": N_("the case has no household members to travel"),
    "case_closed": N_("the case is closed"),
    "planned_departure_not_future": N_("the planned departure must be in the future"),
    "withdrawal_reason": N_("the reason must be 'withdrawn' or 'absconded'"),
    "no_closure_proposal": N_("there is no closure proposal waiting for a decision"),
    "no_plan_waiting": N_("there is no reintegration plan waiting for a decision"),
    "documents_already_assessed": N_("travel documents were already assessed"),
    "no_consent_return": N_(
        "the return cannot be organised without consent to share data with the authorities"
    ),
    "certificate_expired": N_("the fit-to-travel certificate expired on %(valid_until)s"),
    "no_embassy_answer_expected": N_("no embassy answer is expected: the request is '%(status)s'"),
    "unknown_document_request": N_("unknown request %(request_ref)s; the open one is %(open_ref)s"),
    "fee_needs_currency": N_(
        "the embassy's fee needs its currency (fee_currency), the project's own"
    ),
    "no_document_decision_needed": N_(
        "no decision is needed: the travel document request is '%(status)s', not refused or "
        "past its deadline"
    ),
    "clearance_not_required": N_("'%(kind)s' is not required for this case"),
    "clearance_already_recorded": N_("'%(kind)s' is already recorded"),
    "booking_still_active": N_("booking %(booking_ref)s is still active"),
    "desk_booking_open": N_("the travel desk is booking for %(departure)s"),
    "booking_not_active": N_("booking %(booking_ref)s is not the case's active booking"),
    "booking_status": N_("booking %(booking_ref)s is %(status)s"),
    "booking_other_day": N_(
        "booking %(booking_ref)s departs on %(departure)s, not %(departed_on)s"
    ),
    "departure_blocked": N_("departure is blocked: %(blockers)s"),
    "grant_exists": N_("a cash grant is already %(status)s"),
    "already_assigned": N_("the case is already assigned to %(assignee)s"),
    "member_not_travelling": N_("household member %(member)s does not travel on this case"),
    "step_not_required": N_("no step '%(kind)s' is required for household member %(member)s"),
    "not_handed_over_to_you": N_(
        "cannot %(action)s: the case is not handed over to your organisation"
    ),
    "before_arrival": N_("%(field)s %(day)s is before the arrival on %(arrived)s"),
    "already_handed_over": N_("the case is already handed over to %(partner)s"),
    "handover_no_consent": N_(
        "cannot hand the case over: no consent to share data with a reintegration partner"
    ),
    "arrival_before_departure": N_(
        "arrived_on %(arrived_on)s is before the departure %(departed_on)s"
    ),
    "assistance_too_late": N_(
        "post-arrival assistance is recorded within %(window)s working days of the arrival on"
        " %(arrived)s; %(provided_on)s is later"
    ),
    "plan_already": N_("the reintegration plan is already %(status)s"),
    "plan_over_cap": N_(
        "the plan's total %(total)s %(currency)s is over the reintegration cap of %(cap)s "
        "%(currency)s (%(how)s)"
    ),
    "no_such_component": N_("the plan has no component '%(component)s' (it has: %(ids)s)"),
    "component_delivered": N_(
        "component %(component)s was already reported delivered on %(delivered_on)s"
    ),
    "indicators_not_valid": N_("the monitoring report's indicators are not valid: %(problems)s"),
    "visit_due_not_future": N_("the extra visit's due date %(due_on)s must be in the future"),
    "closure_waiting": N_("a closure (%(reason)s) is already waiting for a supervisor"),
    "departed_closure_reason": N_("a case that has departed cannot be closed as '%(reason)s'"),
    "completed_before_monitoring_end": N_(
        "a case is closed as completed only after monitoring has ended (it is in stage "
        "'%(stage)s')"
    ),
    "handover_before_departure": N_(
        "a minor's handover is recorded at the arrival, after departure"
    ),
    "handover_not_unaccompanied": N_("only an unaccompanied minor's handover is recorded here"),
    "handover_recorded_already": N_("this child's handover is recorded already"),
    "no_follow_up_open": N_("no %(kind)s follow-up is open for this child"),
    "handover_missing": N_(
        "an unaccompanied minor's case cannot be closed as completed without the record of "
        "the child's handover at arrival (to a parent, guardian or care institution, identity"
        " checked): record the handover first"
    ),
    "partner_choice_case_status": N_(
        "cannot choose the reintegration partner: the case is %(status)s"
    ),
    "partner_already_chosen": N_("partner %(partner)s is already the case's partner"),
    "no_partner_chosen": N_("cannot answer: no partner is chosen for this case"),
    "not_proposed_to_you": N_("cannot answer: the case is not proposed to your organisation"),
    "partner_not_offered": N_(
        "cannot answer: the returnee has not yet consented to share data with the partner"
    ),
    "partner_already_answered": N_("partner %(partner)s has already %(answer)s the case"),
    "answer_after_departure": N_("cannot answer: the case has already departed"),
    "no_consent_authorities": N_("no consent to share data with the authorities"),
    "segments_not_connected": N_(
        "segment %(n)s leaves from %(airport)s, but segment %(previous)s lands at %(landed)s"
    ),
    "segments_overlap": N_("segment %(n)s departs before segment %(previous)s arrives"),
    "flight_before_requested_day": N_(
        "the first flight departs on %(day)s, before the day the booking was requested for "
        "(%(departure)s)"
    ),
    "desk_booking_recorded_change": N_(
        "booking %(booking_ref)s is already recorded for this case: record a change or a "
        "cancellation instead"
    ),
    "no_desk_request": N_("no booking request is open for the travel desk on this case"),
    "booking_already_recorded": N_("booking %(booking_ref)s is already recorded for this case"),
    "request_asks_escort": N_("the request asks for an escort: book one, then record it"),
    "first_flight_departed": N_("the first flight departed on %(day)s"),
    "booking_not_by_desk": N_("booking %(booking_ref)s was not recorded by a travel desk"),
    "new_flight_in_past": N_("the new first flight departs in the past (%(day)s)"),
    "case_status": N_("the case is %(status)s"),
    "one_principal_applicant": N_("a household has one principal applicant"),
    "unaccompanied_from_ages": N_("unaccompanied_minor follows from the household's ages"),
    "principal_cannot_leave": N_(
        "the principal applicant cannot leave the household: close the case"
    ),
    "closure_needs_supervisor": N_(
        "closing a case needs a supervisor's approval: propose the closure, then a supervisor"
        " decides on it"
    ),
    # workflows/phases/grant.py: a grant paid in cash or by bank transfer.
    "no_grant_payment_pending": N_("cannot %(action)s: no grant payment is pending"),
    "grant_paid_otherwise": N_("cannot %(action)s: the grant is paid by %(method)s"),
    "receipt_other_payment": N_(
        "the receipt is linked to payment %(receipt_payment)s, not to the grant's payment "
        "%(payment)s: upload the receipt with the grant's payment id"
    ),
    "handover_amount_differs": N_(
        "the amount handed over (%(amount)s %(currency)s) must be the approved grant "
        "(%(grant_amount)s %(grant_currency)s); hand over the difference before recording it"
    ),
    "payment_not_pending": N_("payment %(payment)s is not the grant's pending payment"),
    "returned_transfer_needs_reason": N_("a returned transfer needs the bank's reason"),
    # workflows/phases/vulnerability.py: a later finding.
    "minor_flag_from_ages": N_(
        "unaccompanied_minor follows from the household's ages: correct a date of birth or "
        "add or remove a member instead"
    ),
    "vulnerability_recorded": N_("member %(member)s is already recorded as %(kind)s"),
    "vulnerability_not_recorded": N_("member %(member)s is not recorded as %(kind)s"),
    "vulnerability_withdrawal_reason": N_("withdrawing a vulnerability needs a reason"),
    # workflows/budget.py: the figures the approval would exceed; the committed and the
    # simulated amounts are said only when there are any.
    "over_budget": N_(
        "over budget: project %(project)s has a total budget of %(total)s %(currency)s, "
        "%(consumed)s %(currency)s consumed and %(remaining)s %(currency)s remaining; this "
        "%(category)s requests %(amount)s %(currency)s"
    ),
    "over_budget_committed": N_(
        "over budget: project %(project)s has a total budget of %(total)s %(currency)s, "
        "%(consumed)s %(currency)s consumed, %(committed)s %(currency)s committed and "
        "%(remaining)s %(currency)s remaining; this %(category)s requests %(amount)s "
        "%(currency)s"
    ),
    "over_budget_simulated": N_(
        "over budget: project %(project)s has a total budget of %(total)s %(currency)s, "
        "%(consumed)s %(currency)s consumed, %(simulated)s %(currency)s booked by simulators "
        "(not spending) and %(remaining)s %(currency)s remaining; this %(category)s requests "
        "%(amount)s %(currency)s"
    ),
    "over_budget_simulated_committed": N_(
        "over budget: project %(project)s has a total budget of %(total)s %(currency)s, "
        "%(consumed)s %(currency)s consumed, %(simulated)s %(currency)s booked by simulators "
        "(not spending), %(committed)s %(currency)s committed and %(remaining)s %(currency)s "
        "remaining; this %(category)s requests %(amount)s %(currency)s"
    ),
    # workflows/effects.py: the booking system's own words (a fact of the system, in English).
    "booking_refused": N_("the booking system refused: %(detail)s"),
    # activities/booking.py refuse_other_currency: a desk's price, an embassy's fee.
    "price_other_currency": N_(
        "the price is in %(currency)s, but project %(project)s keeps its accounts in "
        "%(project_currency)s: record the price in %(project_currency)s (Homeward does not "
        "convert currencies)"
    ),
    "fee_other_currency": N_(
        "the fee is in %(currency)s, but project %(project)s keeps its accounts in "
        "%(project_currency)s: record the fee in %(project_currency)s (Homeward does not "
        "convert currencies)"
    ),
    # workflows/partner_choice.py: the partners that do serve the destination, by id.
    "partner_not_serving": N_(
        "partner %(partner)s is not an active partner serving %(where)s; those serving it: "
        "%(serving)s"
    ),
    "no_partner_serving": N_(
        "partner %(partner)s is not an active partner serving %(where)s; those serving it: none"
    ),
}

# Parameters that are themselves English words of the interface (a stage, an action): the
# page translates them too.
TRANSLATED_PARAMS = frozenset({"action", "stage", "allowed", "field", "role", "status", "kind",
                               "answer", "reason", "category", "method"})


def refusal(code: str, /, *, error_type: str = "DecisionRefused", **params: Any) -> ApplicationError:
    """A refusal the API returns as a 409 with its code; non-retryable so it never loops.
    An activity's domain refusal names its own ``error_type`` (the workflow that called it
    refuses the decision with the same code: workflows/calls.py ``or_refuse``)."""
    text = REFUSALS[code] % params
    return ApplicationError(
        text, {"code": code, "params": {k: str(v) for k, v in params.items()}},
        type=error_type, non_retryable=True,
    )
