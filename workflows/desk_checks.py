"""Pure checks of the travel desk's decisions: record a booking, a change, a cancellation."""

from __future__ import annotations

from datetime import date

from models.desk import (
    CancelDeskBookingInput,
    ChangeDeskBookingInput,
    RecordDeskBookingInput,
    Segment,
)
from models.enums import BookingStatus, CaseStatus, Stage
from models.payloads import Booking, CaseState
from workflows import rules
from workflows.refusals import refusal


def _itinerary(segments: list[Segment], departure: date | None) -> None:
    """Segments connected in order, the first not before the requested day. (A segment's own
    times are local to two airports, so only a connection's two times compare.)"""
    for i, seg in enumerate(segments, 1):
        if i > 1 and seg.from_airport != segments[i - 2].to_airport:
            raise refusal("segments_not_connected", n=i, previous=i - 1,
                          airport=seg.from_airport, landed=segments[i - 2].to_airport)
        if i > 1 and seg.departs_at < segments[i - 2].arrives_at:
            raise refusal("segments_overlap", n=i, previous=i - 1)
    if departure is not None and segments[0].departs_at.date() < departure:
        raise refusal("flight_before_requested_day", day=segments[0].departs_at.date(),
                      departure=departure)


def record_booking(s: CaseState, data: RecordDeskBookingInput, today: date) -> None:
    request = s.desk_request
    if request is None:
        booking = s.active_booking
        if booking is not None and booking.booked_by is not None:
            raise refusal("desk_booking_recorded_change", booking_ref=booking.booking_ref)
        raise refusal("no_desk_request")
    if any(b.booking_ref == data.booking_ref for b in s.bookings):
        raise refusal("booking_already_recorded", booking_ref=data.booking_ref)
    _itinerary(data.segments, request.departure_date)
    if request.escort and not data.escort:
        raise refusal("request_asks_escort")
    if data.segments[0].departs_at.date() < today:
        raise refusal("first_flight_departed", day=data.segments[0].departs_at.date())


def _desk_booking(s: CaseState, ref: str, action: str) -> Booking:
    rules.require_stage(s, (Stage.TRAVEL,), action)
    booking = s.active_booking
    if booking is None or booking.booking_ref != ref:
        raise refusal("booking_not_active", booking_ref=ref)
    if booking.booked_by is None:
        raise refusal("booking_not_by_desk", booking_ref=ref)
    if booking.status != BookingStatus.BOOKED:
        raise refusal("booking_status", booking_ref=ref, status=booking.status)
    return booking


def change_booking(s: CaseState, data: ChangeDeskBookingInput, today: date) -> None:
    _desk_booking(s, data.booking_ref, "record a booking change")
    _itinerary(data.segments, None)
    if data.segments[0].departs_at.date() < today:
        raise refusal("new_flight_in_past", day=data.segments[0].departs_at.date())
    if s.status != CaseStatus.ACTIVE:
        raise refusal("case_status", status=s.status)


def cancel_booking(s: CaseState, data: CancelDeskBookingInput, today: date) -> None:
    _desk_booking(s, data.booking_ref, "record a booking cancellation")
