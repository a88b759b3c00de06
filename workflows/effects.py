"""The case's effects on the outside world, each with its compensation written out.

Module functions given the running case: they call the external systems through
``workflows/calls.py``, record each outcome in the timeline and change the state; a domain
refusal (embassy, booking) becomes state or a refused decision, anything else is retried.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from temporalio import workflow

from models.enums import (
    BookingStatus,
    ClosureReason,
    DocumentStatus,
    GrantStatus,
    Role,
    Stage,
    TimelineKind,
)
from models.external import (
    BOOKING_REFUSED,
    EMBASSY_REFUSED,
    PAYMENT_DECLINED,
    Authority,
    AuthorityNotice,
    BookingRequest,
    CancelBooking,
    DocumentRequest,
    PaymentRequest,
    Reminder,
    WithdrawDocumentRequest,
)
from models.payloads import Booking, CaseState
from workflows import calls, desk, partner_messages
from workflows.refusals import refusal
from workflows.run import CaseRun


def request_key(state: CaseState) -> str:
    """The open (or last) travel document request's business key: one per attempt."""
    return f"{state.case_id}:etd:{state.documents.attempts}"


async def request_document(case: CaseRun) -> None:
    """File (or re-file) the emergency travel document request and start chasing it."""
    state, docs = case.state, case.state.documents
    case.require_consent()
    docs.attempts += 1
    request = DocumentRequest(
        case_id=state.case_id,
        request_key=request_key(state),
        country_of_origin=state.country_of_origin,
        member_ids=docs.member_ids,
    )
    result, reason = await calls.unless_refused(calls.request_document(request), EMBASSY_REFUSED)
    if result is None:
        case.call_outcome("travel document request refused by the embassy", reason=reason)
        docs.status, docs.refusal_reason, docs.request_ref = DocumentStatus.REFUSED, reason, None
        case.touch()
        return
    docs.status, docs.request_ref, docs.refusal_reason = (
        DocumentStatus.REQUESTED,
        result.request_ref,
        None,
    )
    docs.requested_at = workflow.now()
    case.call_outcome("travel document requested from the embassy", request_ref=result.request_ref)
    start_chasing(case)
    case.touch()


def start_chasing(case: CaseRun) -> None:
    docs, chasing = case.state.documents, case.state.policy.chasing
    docs.status = DocumentStatus.REQUESTED
    docs.last_chased_at = workflow.now()
    docs.deadline_at = workflow.now() + timedelta(days=chasing.deadline_days)


async def enter_clearance(case: CaseRun) -> None:
    """Notify both authorities of the planned departure, then wait for their clearance."""
    state = case.state
    case.require_consent()
    assert state.documents.planned_departure is not None
    notices = [
        AuthorityNotice(
            case_id=state.case_id,
            authority=authority,
            travellers=len(state.household),
            planned_departure=state.documents.planned_departure,
            location_type=state.location_type,
        )
        for authority in (Authority.BORDER_GUARD, Authority.MIGRATION_OFFICE)
    ]
    border_guard, migration_office = await asyncio.gather(
        *(calls.notify_authority(n) for n in notices)
    )
    state.clearance.border_guard_ref = border_guard.reference
    state.clearance.migration_office_ref = migration_office.reference
    case.call_outcome(
        "border guard and migration office notified of the planned departure",
        border_guard_ref=border_guard.reference,
        migration_office_ref=migration_office.reference,
    )
    case.change_stage(Stage.CLEARANCE)


async def book(case: CaseRun, departure: date, escort: bool, transit: bool) -> None:
    """Book the travel; a refusal by the booking system refuses the decision that asked.
    With a travel desk the booking is only requested: the desk records it later."""
    state = case.state
    case.require_consent()
    request = BookingRequest(
        case_id=state.case_id,
        booking_key=f"{state.case_id}:booking:{len(state.bookings) + 1}",
        country_of_origin=state.country_of_origin,
        destination_city=state.destination_city,
        departure_date=departure,
        travellers=len(state.household),
        escort=escort,
        transit_assistance=transit,
    )
    result, reason = await calls.unless_refused(calls.book(request), BOOKING_REFUSED)
    if result is None:
        case.call_outcome("booking refused", reason=reason)
        raise refusal("booking_refused", detail=reason)
    desk.withdraw_request(case, "a new booking was requested")
    if result.desk:
        desk.open_request(case, request)
        return
    case.call_outcome(f"travel booked for {result.departure_date}", booking_ref=result.booking_ref)
    state.bookings.append(
        Booking(
            booking_ref=result.booking_ref,
            departure_date=result.departure_date,
            flight=result.flight,
            escort=escort,
            transit_assistance=transit,
            requested_on=case.today(),
        )
    )


async def cancel_booking(case: CaseRun, booking: Booking) -> None:
    await calls.cancel_booking(
        CancelBooking(case_id=case.state.case_id, booking_ref=booking.booking_ref)
    )
    booking.status = BookingStatus.CANCELLED
    case.call_outcome("booking cancelled", booking_ref=booking.booking_ref)
    by_hand = desk.cancelled_by_the_case(booking)
    if by_hand is not None:
        await notify(case, *by_hand)


async def pay_grant(case: CaseRun) -> None:
    """Pay an approved grant once; the key is case id + payment id, never the run id."""
    state, grant = case.state, case.state.grant
    if grant is None or grant.status != GrantStatus.APPROVED:
        return
    assert grant.payment_id is not None
    payment = PaymentRequest(
        case_id=state.case_id,
        payment_id=grant.payment_id,
        idempotency_key=f"{state.case_id}:{grant.payment_id}",
        amount=grant.amount,
        currency=grant.currency,
    )
    result, reason = await calls.unless_refused(calls.pay(payment), PAYMENT_DECLINED)
    if result is None:
        grant.status, grant.reason = GrantStatus.PAYMENT_FAILED, reason
        case.call_outcome("cash grant payment declined", reason=reason)
        return
    if result.pending:
        # Cash to hand over or a transfer for the bank's file: paid once staff or the
        # statement record it (workflows/grant_payment.py).
        grant.status, grant.payment_method = GrantStatus.PAYMENT_PENDING, result.pending
        case.call_outcome(f"cash grant to be paid by {result.pending.replace('_', ' ')}")
        return
    grant.receipt_ref, grant.status = result.receipt_ref, GrantStatus.PAID
    case.call_outcome("cash grant paid", receipt_ref=grant.receipt_ref)


async def close_with_compensation(case: CaseRun, reason: ClosureReason, note: str) -> None:
    """Undo what was set in motion, newest first, then close the case."""
    state = case.state
    if state.partner is not None and state.departed_on is None:
        # The partner offered the case (its proposal open) is told it no longer stands.
        await partner_messages.withdraw(case, state.partner, "case_closed")
    desk.withdraw_request(case, "the case is closed")
    booking = state.active_booking
    if booking is not None:
        await cancel_booking(case, booking)
    docs = state.documents
    if docs.request_ref and docs.status in (
        DocumentStatus.REQUESTED,
        DocumentStatus.DEADLINE_REACHED,
    ):
        await calls.withdraw_document_request(
            WithdrawDocumentRequest(case_id=state.case_id, request_ref=docs.request_ref)
        )
        docs.status = DocumentStatus.WITHDRAWN
        case.call_outcome("travel document request withdrawn", request_ref=docs.request_ref)
    # Nothing is paid before departure, so releasing the grant moves no money.
    if state.grant is not None and state.grant.status in (
        GrantStatus.PROPOSED,
        GrantStatus.APPROVED,
    ):
        state.grant.status = GrantStatus.RELEASED
    case.close(reason, note)


async def notify(case: CaseRun, role: Role, subject: str, body: str) -> None:
    """Remind staff with ``role``: e-mail and in-app notification, and a timeline entry."""
    state = case.state
    await remind(
        case, role, f"{role} reminded: {subject}", subject, body,
        # A caseworker reminder goes to the case's caseworker, once it has one.
        recipient_id=state.assignee_id if role == Role.CASEWORKER else None,
    )


async def remind_partner(case: CaseRun, subject: str, body: str) -> None:
    """Remind the partner the case was handed over to (nothing before the handover)."""
    handover = case.state.handover
    if handover is None:
        return
    await remind(case, Role.PARTNER, f"partner reminded: {subject}", subject, body,
                 partner_org=handover.partner_id)


def N_(text: str) -> str:
    """Marks a reminder's subject passed by keyword for the catalogues (core/messages.py);
    the subject is translated when the message is shown or mailed."""
    return text


async def remind_partner_and_caseworker(
    case: CaseRun, subject: str, body: str, *, caseworker_subject: str | None = None
) -> None:
    """The partner (once the case is handed over) and the case's caseworker, together."""
    await asyncio.gather(
        remind_partner(case, subject, body),
        notify(case, Role.CASEWORKER, caseworker_subject or subject, body),
    )


async def remind(
    case: CaseRun, role: Role, summary: str, subject: str, body: str, *,
    partner_org: str | None = None, recipient_id: str | None = None,
) -> None:
    """The timeline entry ``summary``, then the e-mail and in-app message to ``role`` (the
    users of ``partner_org`` for a partner), under the case's reference: no names."""
    state = case.state
    key = case.record(TimelineKind.REMINDER, summary, awaited=body)
    await calls.remind(
        Reminder(
            case_id=state.case_id,
            reference=state.reference,
            recipient_role=role,
            partner_org=partner_org,
            subject=f"{state.reference}: {subject}",
            body=body,
            key=key,
            recipient_id=recipient_id,
        )
    )
