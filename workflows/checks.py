"""What each decision requires: the checks behind the workflow's update validators.

One function per update, ``(state, input, today) -> None``, raising a ``DecisionRefused``
ApplicationError with a reason a caseworker can act on. Pure: no clock, no I/O. Who may take
a decision is not checked here: its declaration's roles are (workflows/phases).
"""

from __future__ import annotations

from datetime import date, timedelta

from models import decisions as inputs
from models.enums import (
    BookingStatus,
    CaseStatus,
    ClosureReason,
    DocumentChoice,
    DocumentStatus,
    GrantStatus,
    NoShowChoice,
    Stage,
    StepKind,
)
from models.payloads import CaseState
from workflows import rules
from workflows.refusals import refusal


def stage(s: CaseState, stages: Stage | tuple[Stage, ...], action: str) -> None:
    rules.require_stage(s, (stages,) if isinstance(stages, Stage) else stages, action)


def departure_date(s: CaseState, today: date, departure: date) -> None:
    earliest = today + timedelta(days=s.policy.lead_times.earliest_departure_days)
    if departure < earliest:
        if departure < today:
            raise refusal("departure_in_past", departure=departure)
        if earliest == today + timedelta(days=1):
            raise refusal("departure_not_future", departure=departure)
        raise refusal("departure_too_soon", departure=departure, earliest=earliest)
    for step in s.steps:
        if step.valid_until and step.done and step.valid_until < departure:
            raise refusal("certificate_expires", member=step.member_id,
                          valid_until=step.valid_until, departure=departure)


def counselling(s: CaseState, data: inputs.RecordCounsellingInput, today: date) -> None:
    stage(s, Stage.INTAKE, "record a counselling session")
    if data.session.held_on > today:
        raise refusal("counselling_in_future")


def complete_intake(s: CaseState, data: inputs.CompleteIntakeInput, today: date) -> None:
    stage(s, Stage.INTAKE, "complete intake")
    if not s.counselling_sessions:
        raise refusal("intake_without_counselling")


def submit_eligibility(s: CaseState, data: inputs.SubmitEligibilityInput, today: date) -> None:
    stage(s, Stage.ELIGIBILITY, "submit an eligibility assessment")
    e = s.eligibility
    if e is not None and e.approved is None:
        raise refusal("assessment_waiting")


def decide_eligibility(s: CaseState, data: inputs.EligibilityDecisionInput, today: date) -> None:
    stage(s, Stage.ELIGIBILITY, "decide on eligibility")
    e = s.eligibility
    if e is None or e.approved is not None:
        raise refusal("no_assessment_waiting")
    rules.require_four_eyes(
        data.actor, e.assessed_by, "approve or reject the eligibility assessment"
    )


def consent(s: CaseState, data: inputs.RecordConsentInput, today: date) -> None:
    stage(s, Stage.CONSENT, "record consent")
    rules.require_not_future(data.declaration_signed_on, today, "declaration_signed_on")
    if not data.share_with_authorities:
        raise refusal("no_consent_return")


def step(s: CaseState, data: inputs.RecordStepInput, today: date) -> None:
    stage(s, rules.AFTER_CONSENT, "record a vulnerability step")
    rules.find_step(s, data.member_id, data.kind)
    rules.require_not_future(data.completed_on, today, "completed_on")
    if data.kind == StepKind.FIT_TO_TRAVEL:
        if data.valid_until is None:
            raise refusal("certificate_needs_expiry")
        if data.valid_until <= today:
            raise refusal("certificate_expired", valid_until=data.valid_until)
    if data.kind == StepKind.ESCORT_DECISION and data.escort_required is None:
        raise refusal("escort_decision_needed")


def assess(s: CaseState, data: inputs.AssessDocumentsInput, today: date) -> None:
    stage(s, (Stage.VULNERABILITY, Stage.TRAVEL_DOCUMENTS), "assess travel documents")
    if s.documents.status != DocumentStatus.NOT_ASSESSED:
        raise refusal("documents_already_assessed")
    if data.planned_departure <= today:
        raise refusal("planned_departure_not_future")
    if not s.household:
        raise refusal("no_members_to_travel")


def embassy_answer(s: CaseState, data: inputs.EmbassyAnswerInput, today: date) -> None:
    stage(s, Stage.TRAVEL_DOCUMENTS, "record the embassy's answer")
    docs = s.documents
    if docs.status not in (DocumentStatus.REQUESTED, DocumentStatus.DEADLINE_REACHED):
        raise refusal("no_embassy_answer_expected", status=docs.status)
    if data.request_ref != docs.request_ref:
        raise refusal("unknown_document_request", request_ref=data.request_ref,
                      open_ref=docs.request_ref)
    if data.issued and (data.valid_until is None or data.valid_until <= today):
        raise refusal("issued_document_needs_validity")
    if not data.issued and not data.reason:
        raise refusal("refusal_needs_reason")
    if data.fee and not data.fee_currency:
        raise refusal("fee_needs_currency")


def document_decision(s: CaseState, data: inputs.DocumentDecisionInput, today: date) -> None:
    stage(s, Stage.TRAVEL_DOCUMENTS, "decide on the travel document")
    status = s.documents.status
    if status not in (DocumentStatus.REFUSED, DocumentStatus.DEADLINE_REACHED):
        raise refusal("no_document_decision_needed", status=status)
    if data.choice == DocumentChoice.ESCALATE and s.documents.request_ref is None:
        raise refusal("nothing_to_escalate")


def clearance(s: CaseState, data: inputs.ConfirmClearanceInput, today: date) -> None:
    stage(s, Stage.CLEARANCE, "record a clearance")
    rules.require_not_future(data.confirmed_on, today, "confirmed_on")
    if data.kind not in rules.clearance_required(s):
        raise refusal("clearance_not_required", kind=data.kind)
    if any(c.kind == data.kind for c in s.clearance.confirmations):
        raise refusal("clearance_already_recorded", kind=data.kind)


def booking(s: CaseState, data: inputs.RequestBookingInput, today: date) -> None:
    stage(s, Stage.TRAVEL, "request a booking")
    if s.active_booking is not None:
        raise refusal("booking_still_active", booking_ref=s.active_booking.booking_ref)
    if s.desk_request is not None:
        raise refusal("desk_booking_open", departure=s.desk_request.departure_date)
    departure_date(s, today, data.departure_date)
    if rules.escort_required(s) and not data.escort:
        raise refusal("escort_required")


def departure(s: CaseState, data: inputs.ConfirmDepartureInput, today: date) -> None:
    stage(s, Stage.TRAVEL, "confirm departure")
    booking = s.active_booking
    if booking is None or booking.booking_ref != data.booking_ref:
        raise refusal("booking_not_active", booking_ref=data.booking_ref)
    # A no-show flagged by the timer can still be confirmed: the confirmation may come late.
    if booking.status not in (BookingStatus.BOOKED, BookingStatus.NO_SHOW):
        raise refusal("booking_status", booking_ref=data.booking_ref, status=booking.status)
    if data.departed_on != booking.departure_date:
        raise refusal("booking_other_day", booking_ref=data.booking_ref,
                      departure=booking.departure_date, departed_on=data.departed_on)
    rules.require_not_future(data.departed_on, today, "departed_on")
    blockers = rules.departure_blockers(s, data.departed_on)
    if blockers:
        raise refusal("departure_blocked", blockers="; ".join(blockers))


def no_show(s: CaseState, data: inputs.NoShowDecisionInput, today: date) -> None:
    stage(s, Stage.TRAVEL, "decide on a no-show")
    booking = s.active_booking
    if booking is None or booking.status != BookingStatus.NO_SHOW:
        raise refusal("no_no_show_waiting")
    if data.choice == NoShowChoice.REBOOK:
        if data.new_departure_date is None:
            raise refusal("rebooking_needs_date")
        departure_date(s, today, data.new_departure_date)


# The grant is handed over "at the airport or on arrival" (or transferred later), so a grant
# still pending, or not yet proposed, at departure is decided and paid after it: departure
# never waits for the grant, and the grant is never stranded by the departure.
GRANT_STAGES = rules.AFTER_CONSENT + (
    Stage.DEPARTED, Stage.ARRIVAL, Stage.REINTEGRATION, Stage.MONITORING
)


def propose_grant(s: CaseState, data: inputs.ProposeGrantInput, today: date) -> None:
    stage(s, GRANT_STAGES, "propose a cash grant")
    if not s.household:
        raise refusal("no_members_for_grant")
    grant = s.grant
    if grant is not None and grant.status != GrantStatus.REJECTED:
        raise refusal("grant_exists", status=grant.status)


def decide_grant(s: CaseState, data: inputs.GrantDecisionInput, today: date) -> None:
    stage(s, GRANT_STAGES, "decide on the cash grant")
    grant = s.grant
    if grant is None or grant.status != GrantStatus.PROPOSED:
        raise refusal("no_grant_waiting")
    rules.require_four_eyes(data.actor, grant.proposed_by, "approve or reject the cash grant")


def withdraw(s: CaseState, data: inputs.WithdrawInput, today: date) -> None:
    stage(s, rules.BEFORE_DEPARTURE, "withdraw or record absconding")
    rules.require_role(data.actor, rules.STAFF, "withdraw or record absconding")
    if data.reason not in (ClosureReason.WITHDRAWN, ClosureReason.ABSCONDED):
        raise refusal("withdrawal_reason")


def retry_payment(s: CaseState, data: inputs.RetryPaymentInput, today: date) -> None:
    stage(
        s,
        (Stage.DEPARTED, Stage.ARRIVAL, Stage.REINTEGRATION, Stage.MONITORING, Stage.CLOSURE),
        "retry the grant payment",
    )
    if s.grant is None or s.grant.status != GrantStatus.PAYMENT_FAILED:
        raise refusal("no_payment_to_retry")


def assign(s: CaseState, data: inputs.AssignInput, today: date) -> None:
    if s.status == CaseStatus.CLOSED:
        raise refusal("reassign_closed")
    if data.assignee_id == s.assignee_id:
        raise refusal("already_assigned", assignee=data.assignee_id)


def remind_assignee(s: CaseState, data: inputs.RemindAssigneeInput, today: date) -> None:
    if s.status == CaseStatus.CLOSED:
        raise refusal("remind_closed")
