"""Booking by a travel desk (HOMEWARD_BOOKING=desk): the open request, the flight segments the
desk records, and the desk's decisions as workflow payloads.

No personal data: what the desk needs to book (names, dates of birth, passports) is read from
the database by the travel desk page and API, never carried by the workflow.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

from models.people import Actor

_IATA = re.compile(r"^[A-Z]{3}$")
_FLIGHT = re.compile(r"^[A-Z0-9]{2}[0-9]{1,4}[A-Z]?$")


def _iata(value: str) -> str:
    code = value.strip().upper()
    if not _IATA.match(code):
        raise ValueError(f"{value!r} is not an IATA airport code (three letters, e.g. RIX)")
    return code


def _flight(value: str) -> str:
    number = value.replace(" ", "").upper()
    if not _FLIGHT.match(number):
        raise ValueError(f"{value!r} is not a flight number (airline code and digits, e.g. BT123)")
    return number


def _local(value: datetime) -> datetime:
    # The wall-clock time at the airport, as printed on the ticket; an offset adds nothing.
    return value.replace(tzinfo=None)


Airport = Annotated[str, AfterValidator(_iata)]
FlightNumber = Annotated[str, AfterValidator(_flight)]
LocalTime = Annotated[datetime, AfterValidator(_local)]


class Segment(BaseModel):
    """One flight of an itinerary; times are local to each airport, as on the ticket."""

    flight_number: FlightNumber
    from_airport: Airport
    to_airport: Airport
    departs_at: LocalTime
    arrives_at: LocalTime

    @model_validator(mode="after")
    def _one_way(self) -> Segment:
        if self.from_airport == self.to_airport:
            raise ValueError("a segment flies between two different airports")
        return self


class DeskRequest(BaseModel):
    """A booking asked of the travel desk: open until the desk records it or it is withdrawn
    (the case closed, or a new request replaced it)."""

    booking_key: str  # the cost ledger's key for what this booking costs
    departure_date: date
    escort: bool
    transit_assistance: bool
    requested_on: date


class RecordDeskBookingInput(BaseModel):
    actor: Actor
    booking_ref: str = Field(min_length=1, max_length=40)
    segments: list[Segment] = Field(min_length=1, max_length=6)
    escort: bool = False
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field(min_length=3, max_length=3)
    eticket_document_id: str | None = None


class ChangeDeskBookingInput(BaseModel):
    actor: Actor
    booking_ref: str = Field(min_length=1, max_length=40)
    segments: list[Segment] = Field(min_length=1, max_length=6)
    reason: str = Field(min_length=1, max_length=2000)


class CancelDeskBookingInput(BaseModel):
    actor: Actor
    booking_ref: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=1, max_length=2000)


class DeskCostInput(BaseModel):
    """The recorded price booked as the ticket cost, once per booking key."""

    case_id: str
    key: str
    booking_ref: str
    price: Decimal
    currency: str
    travellers: int
    departure_date: date
