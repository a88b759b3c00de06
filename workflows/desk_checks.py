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


def _itinerary(segments: list[Segment], departure: date | None) -> None:
    """Segments connected in order, the first not before the requested day. (A segment's own
    times are local to two airports, so only a connection's two times compare.)"""
    for i, seg in enumerate(segments, 1):
        if i > 1 and seg.from_airport != segments[i - 2].to_airport:
            raise rules.refuse(
                f"segment {i} leaves from {seg.from_airport}, but segment {i - 1} lands at "
                f"{segments[i - 2].to_airport}"
            )
        if i > 1 and seg.departs_at < segments[i - 2].arrives_at:
            raise rules.refuse(f"segment {i} departs before segment {i - 1} arrives")
    if departure is not None and segments[0].departs_at.date() < departure:
        raise rules.refuse(
            f"the first flight departs on {segments[0].departs_at.date()}, before the day the "
            f"booking was requested for ({departure})"
        )


def record_booking(s: CaseState, data: RecordDeskBookingInput, today: date) -> None:
    request = s.desk_request
    if request is None:
        booking = s.active_booking
        if booking is not None and booking.booked_by is not None:
            raise rules.refuse(
                f"booking {booking.booking_ref} is already recorded for this case: record a "
                "change or a cancellation instead"
            )
        raise rules.refuse("no booking request is open for the travel desk on this case")
    if any(b.booking_ref == data.booking_ref for b in s.bookings):
        raise rules.refuse(f"booking {data.booking_ref} is already recorded for this case")
    _itinerary(data.segments, request.departure_date)
    if request.escort and not data.escort:
        raise rules.refuse("the request asks for an escort: book one, then record it")
    if data.segments[0].departs_at.date() < today:
        raise rules.refuse(f"the first flight departed on {data.segments[0].departs_at.date()}")


def _desk_booking(s: CaseState, ref: str, action: str) -> Booking:
    rules.require_stage(s, (Stage.TRAVEL,), action)
    booking = s.active_booking
    if booking is None or booking.booking_ref != ref:
        raise rules.refuse(f"booking {ref} is not the case's active booking")
    if booking.booked_by is None:
        raise rules.refuse(f"booking {ref} was not recorded by a travel desk")
    if booking.status != BookingStatus.BOOKED:
        raise rules.refuse(f"booking {ref} is {booking.status}")
    return booking


def change_booking(s: CaseState, data: ChangeDeskBookingInput, today: date) -> None:
    _desk_booking(s, data.booking_ref, "record a booking change")
    _itinerary(data.segments, None)
    if data.segments[0].departs_at.date() < today:
        raise rules.refuse(f"the new first flight departs in the past ({data.segments[0].departs_at.date()})")
    if s.status != CaseStatus.ACTIVE:
        raise rules.refuse(f"the case is {s.status}")


def cancel_booking(s: CaseState, data: CancelDeskBookingInput, today: date) -> None:
    _desk_booking(s, data.booking_ref, "record a booking cancellation")
