"""Booking by a travel desk (HOMEWARD_BOOKING=desk): the request it is asked, and the booking,
change or cancellation it records, given the running case.

The request stays open in the case's state (``CaseState.desk_request``, the travel desk's
task) until the desk records the booking through an update, or the case withdraws it. Why
an update and not asynchronous activity completion: see ``activities/booking_desk.py``.
"""

from __future__ import annotations

from models.desk import (
    CancelDeskBookingInput,
    ChangeDeskBookingInput,
    DeskCostInput,
    DeskRequest,
    RecordDeskBookingInput,
)
from models.enums import BookingStatus, Role
from models.external import PRICE_CURRENCY_REFUSED, BookingRequest
from models.payloads import Booking, CaseState
from workflows import calls
from workflows.run import CaseRun


def open_request(case: CaseRun, request: BookingRequest) -> None:
    """The booking system is a travel desk: its task stays open until it records the booking."""
    case.state.desk_request = DeskRequest(
        booking_key=request.booking_key,
        departure_date=request.departure_date,
        escort=request.escort,
        transit_assistance=request.transit_assistance,
        requested_on=case.today(),
    )
    case.call_outcome(f"booking for {request.departure_date} requested from the travel desk",
                      booking_key=request.booking_key)


def withdraw_request(case: CaseRun, why: str) -> None:
    """The open request is no longer wanted: the desk's task disappears with it."""
    request = case.state.desk_request
    if request is None:
        return
    case.state.desk_request = None
    case.call_outcome(f"booking request to the travel desk withdrawn: {why}",
                      booking_key=request.booking_key)


def _flight(data: RecordDeskBookingInput | ChangeDeskBookingInput) -> str:
    return " / ".join(s.flight_number for s in data.segments)


async def record_booking(case: CaseRun, data: RecordDeskBookingInput) -> CaseState:
    state, request = case.state, case.state.desk_request
    assert request is not None
    # The price first: a price in the wrong currency refuses the decision and changes nothing.
    await calls.or_refuse(calls.book_desk_price(DeskCostInput(
        case_id=state.case_id, key=request.booking_key, booking_ref=data.booking_ref,
        price=data.price, currency=data.currency.upper(), travellers=len(state.household),
        departure_date=request.departure_date,
    )), PRICE_CURRENCY_REFUSED)
    day = data.segments[0].departs_at.date()
    case.decided(data.actor, f"booking {data.booking_ref} recorded by the travel desk: "
                 f"{_flight(data)} on {day}")
    state.bookings.append(Booking(
        booking_ref=data.booking_ref, departure_date=day, flight=_flight(data),
        escort=data.escort, transit_assistance=request.transit_assistance,
        requested_on=request.requested_on, booked_by=data.actor.id, segments=data.segments,
        price=data.price, currency=data.currency.upper(),
        eticket_document_id=data.eticket_document_id,
    ))
    state.desk_request = None
    case.touch()
    return state


def change_booking(case: CaseRun, data: ChangeDeskBookingInput) -> CaseState:
    booking = case.state.active_booking
    assert booking is not None
    booking.segments, booking.flight = data.segments, _flight(data)
    booking.departure_date = data.segments[0].departs_at.date()
    booking.changes += 1
    case.decided(data.actor, f"booking {booking.booking_ref} changed by the travel desk: "
                 f"{booking.flight} on {booking.departure_date}", data.reason)
    case.touch()
    return case.state


def cancel_booking(case: CaseRun, data: CancelDeskBookingInput) -> CaseState:
    """As the compensation of a cancelled booking: the case needs a new booking."""
    booking = case.state.active_booking
    assert booking is not None
    booking.status = BookingStatus.CANCELLED
    case.decided(data.actor, f"booking {booking.booking_ref} cancelled by the travel desk",
                 data.reason)
    case.call_outcome("booking cancelled", booking_ref=booking.booking_ref)
    case.touch()
    return case.state


def cancelled_by_the_case(booking: Booking) -> tuple[Role, str, str] | None:
    """The reminder that tells the desk to cancel a booking it made (closure, no-show)."""
    if booking.booked_by is None:
        return None
    body = (f"cancel booking {booking.booking_ref} ({booking.flight} on "
            f"{booking.departure_date}) with the airline: the case no longer needs it")
    return Role.TRAVEL_DESK, f"cancel booking {booking.booking_ref}", body
