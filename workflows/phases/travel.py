"""Clearance by the authorities, the booking, the departure and a no-show."""

from __future__ import annotations

from datetime import date, timedelta

from models import decisions as inputs
from models import schemas
from models.enums import ClearanceKind, NoShowChoice, Role, TaskKind
from models.payloads import CaseState
from workflows import checks, rules
from workflows.decision import Decision, Field, Form, Offer
from workflows.phases.common import STAFF, choice_form, today_text


def _clearance_offers(state: CaseState) -> list[Offer]:
    done = {c.kind for c in state.clearance.confirmations}
    return [
        Offer(fixed={"kind": k.value}, suffix=k.value.replace("_", " "))
        for k in sorted(rules.clearance_required(state) - done)
    ]


def _booking_ref(state: CaseState) -> list[Offer]:
    b = state.active_booking
    return [Offer(fixed={"booking_ref": b.booking_ref}, suffix=b.booking_ref)] if b else []


def _booked_day(state: CaseState, today: date) -> date:
    b = state.active_booking
    return b.departure_date if b else today


def _booking_day(state: CaseState, today: date) -> date:
    # Departure is confirmed on or after the booked day; the workflow's clock decides that
    # (it can differ from this server's), so the form shows once the booking is departable.
    return max(today, _booked_day(state, today))


CONFIRM_CLEARANCE = Decision(
    update="confirm_clearance", path="/cases/{case_id}/clearance",
    roles=STAFF | {Role.BORDER_GUARD, Role.MIGRATION_OFFICE}, action="record a clearance",
    input=inputs.ConfirmClearanceInput, check=checks.clearance, body=schemas.ClearanceIn,
    doc="Record the exit clearance or release from detention given by an authority.",
    answers=(TaskKind.CLEARANCE,),
    form=Form(
        "clearance", "Record a clearance",
        lambda st, actor, today, o: inputs.ConfirmClearanceInput(
            actor=actor, kind=ClearanceKind(o.fixed["kind"]), confirmed_on=today,
            reference="-"),
        fields=(
            Field("kind", "Clearance", "hidden"),
            Field("confirmed_on", "Confirmed on", "date", default=today_text),
            Field("reference", "Reference"),
        ),
        offers=_clearance_offers,
    ),
)

REQUEST_BOOKING = Decision(
    update="request_booking", path="/cases/{case_id}/bookings", roles=STAFF,
    action="request a booking", input=inputs.RequestBookingInput, check=checks.booking,
    body=schemas.BookingIn, doc="Book the household's travel for a departure date.",
    answers=(TaskKind.BOOK_TRAVEL,),
    form=Form(
        "booking", "Book travel",
        lambda st, actor, today, o: inputs.RequestBookingInput(
            actor=actor, departure_date=today + timedelta(days=1), escort=True),
        fields=(
            Field("departure_date", "Departure date", "date"),
            Field("escort", "Escort", "checkbox", required=False),
            Field("transit_assistance", "Transit assistance", "checkbox", required=False),
        ),
        button="Book",
    ),
)

CONFIRM_DEPARTURE = Decision(
    update="confirm_departure", path="/cases/{case_id}/departure",
    roles=frozenset({Role.BORDER_GUARD, Role.ESCORT}), action="confirm departure",
    input=inputs.ConfirmDepartureInput, check=checks.departure, body=schemas.DepartureIn,
    doc="Confirm the household left on the booked flight (border guard or escort).",
    answers=(TaskKind.CONFIRM_DEPARTURE,),
    form=Form(
        "departure", "Confirm departure",
        lambda st, actor, today, o: inputs.ConfirmDepartureInput(
            actor=actor, booking_ref=o.fixed["booking_ref"],
            departed_on=_booked_day(st, today)),
        fields=(
            Field("booking_ref", "Booking", "hidden"),
            Field("departed_on", "Departed on", "date",
                  default=lambda st, today: _booked_day(st, today).isoformat()),
        ),
        offers=_booking_ref, button="Confirm departure", probe_day=_booking_day,
    ),
)

DECIDE_NO_SHOW = Decision(
    update="decide_no_show", path="/cases/{case_id}/no-show/decision", roles=STAFF,
    action="decide on a no-show", input=inputs.NoShowDecisionInput, check=checks.no_show,
    body=schemas.NoShowDecisionIn,
    doc="After a no-show: rebook for a new date (the old booking is cancelled) or suspend.",
    answers=(TaskKind.NO_SHOW_DECISION,),
    form=choice_form(
        "no-show", "Decide after the no-show", NoShowChoice, NoShowChoice.SUSPEND,
        Field("new_departure_date", "New departure date", "date", required=False),
    ),
)

DECISIONS = (CONFIRM_CLEARANCE, REQUEST_BOOKING, CONFIRM_DEPARTURE, DECIDE_NO_SHOW)
