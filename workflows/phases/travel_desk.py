"""The travel desk (HOMEWARD_BOOKING=desk): it records the booking it was asked for, a change
of the itinerary, or a cancellation. Why updates and not async activity completion:
``activities/booking_desk.py``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from models import desk as inputs
from models import schemas_desk as schemas
from models.enums import Role, TaskKind
from models.payloads import Actor, CaseState
from workflows import desk_checks as checks
from workflows.decision import Decision, Field, Form, Offer

DESK = frozenset({Role.TRAVEL_DESK})
SEGMENTS = 2  # the web form's rows (an itinerary with one change); the API takes up to six


def _segment_fields(required_first: bool = True) -> tuple[Field, ...]:
    out: tuple[Field, ...] = ()
    for i in range(SEGMENTS):
        n, req = f"-{i}", required_first and i == 0
        out += (
            Field(f"flight_number{n}", f"Flight {i + 1}: number", required=req),
            Field(f"from_airport{n}", f"Flight {i + 1}: from (IATA)", required=req),
            Field(f"to_airport{n}", f"Flight {i + 1}: to (IATA)", required=req),
            Field(f"departs_at{n}", f"Flight {i + 1}: departs", "datetime-local", required=req),
            Field(f"arrives_at{n}", f"Flight {i + 1}: arrives", "datetime-local", required=req),
        )
    return out


def _parse(values: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    """The form's flat values as the body: one segment per filled row, blanks absent."""
    segments = []
    for i in range(SEGMENTS):
        row = {k: values.get(f"{k}-{i}", "").strip() for k in (
            "flight_number", "from_airport", "to_airport", "departs_at", "arrives_at")}
        if any(row.values()):
            segments.append({k: v for k, v in row.items() if v})
    body: dict[str, Any] = {"segments": segments}
    body.update({n: values[n].strip() for n in names if values.get(n, "").strip()})
    return body


def _parse_booking(values: dict[str, str]) -> dict[str, Any]:
    body = _parse(values, ("booking_ref", "price", "currency", "eticket_document_id"))
    return {**body, "escort": "escort" in values}


def _parse_change(values: dict[str, str]) -> dict[str, Any]:
    return _parse(values, ("booking_ref", "reason"))


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _probe_segments(day: date) -> list[inputs.Segment]:
    return [inputs.Segment(flight_number="XX1", from_airport="AAA", to_airport="BBB",
                           departs_at=_at(day, 1), arrives_at=_at(day, 2))]


def _record_probe(state: CaseState, actor: Actor, today: date, o: Offer) -> inputs.RecordDeskBookingInput:
    r = state.desk_request
    day = max(r.departure_date, today) if r else today
    return inputs.RecordDeskBookingInput(
        actor=actor, booking_ref="-", segments=_probe_segments(day), escort=True,
        price=Decimal(0), currency="EUR")


def _desk_booking_ref(state: CaseState) -> list[Offer]:
    b = state.active_booking
    if b is None or b.booked_by is None:
        return []
    return [Offer(fixed={"booking_ref": b.booking_ref}, suffix=b.booking_ref)]


def _booked_day(state: CaseState, today: date) -> date:
    b = state.active_booking
    return max(today, b.departure_date) if b else today


RECORD_DESK_BOOKING = Decision(
    update="record_desk_booking", path="/cases/{case_id}/travel-desk/booking", roles=DESK,
    action="record a booking", input=inputs.RecordDeskBookingInput, check=checks.record_booking,
    body=schemas.DeskBookingIn,
    doc="Record the booking the travel desk made: reference, flights, escort, price and the "
        "e-ticket. The price is booked as the case's ticket cost, in the project's currency.",
    answers=(TaskKind.DESK_BOOKING,),
    form=Form(
        "desk-booking", "Record the booking", _record_probe,
        fields=(Field("booking_ref", "Booking reference"),) + _segment_fields() + (
            Field("escort", "Escort booked", "checkbox", required=False),
            Field("price", "Price (all tickets)"),
            Field("currency", "Currency", default=lambda st, today: st.policy.grant.currency),
        ),
        parse=_parse_booking, button="Record the booking",
    ),
)

CHANGE_DESK_BOOKING = Decision(
    update="change_desk_booking", path="/cases/{case_id}/travel-desk/change", roles=DESK,
    action="record a booking change", input=inputs.ChangeDeskBookingInput,
    check=checks.change_booking, body=schemas.DeskChangeIn,
    doc="Record a change of a booking the travel desk made: its new flights (and date).",
    form=Form(
        "desk-change", "Record a change",
        lambda st, actor, today, o: inputs.ChangeDeskBookingInput(
            actor=actor, booking_ref=o.fixed["booking_ref"],
            segments=_probe_segments(_booked_day(st, today) + timedelta(days=1)), reason="-"),
        fields=(Field("booking_ref", "Booking", "hidden"),) + _segment_fields() + (
            Field("reason", "Why", "textarea"),),
        offers=_desk_booking_ref, parse=_parse_change, button="Record the change",
    ),
)

CANCEL_DESK_BOOKING = Decision(
    update="cancel_desk_booking", path="/cases/{case_id}/travel-desk/cancellation", roles=DESK,
    action="record a booking cancellation", input=inputs.CancelDeskBookingInput,
    check=checks.cancel_booking, body=schemas.DeskCancellationIn,
    doc="Record that a booking the travel desk made is cancelled; the case needs a new one.",
    form=Form(
        "desk-cancel", "Record a cancellation",
        lambda st, actor, today, o: inputs.CancelDeskBookingInput(
            actor=actor, booking_ref=o.fixed["booking_ref"], reason="-"),
        fields=(Field("booking_ref", "Booking", "hidden"), Field("reason", "Why", "textarea")),
        offers=_desk_booking_ref, button="Record the cancellation",
    ),
)

DECISIONS = (RECORD_DESK_BOOKING, CHANGE_DESK_BOOKING, CANCEL_DESK_BOOKING)
