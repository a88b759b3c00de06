"""API schemas of the travel desk: its decisions' bodies and its list of open booking requests
(with the personal data it needs to book, read from the database, never from Temporal)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from models.desk import Segment
from models.schemas import DecisionIn, Text


class DeskBookingIn(DecisionIn):
    booking_ref: str = Field(min_length=1, max_length=40,
                             description="The airline's or agency's booking reference (PNR)")
    segments: list[Segment] = Field(min_length=1, max_length=6)
    escort: bool = False
    price: Decimal = Field(ge=0, max_digits=12, decimal_places=2,
                           description="All tickets together")
    currency: str = Field(min_length=3, max_length=3, description="Must be the project's currency")
    eticket_document_id: str | None = Field(
        default=None, description="The e-ticket, uploaded as a case document of kind ticket")


class DeskChangeIn(DecisionIn):
    booking_ref: str = Field(min_length=1, max_length=40)
    segments: list[Segment] = Field(min_length=1, max_length=6)
    reason: Text


class DeskCancellationIn(DecisionIn):
    booking_ref: str = Field(min_length=1, max_length=40)
    reason: Text


class DeskTraveller(BaseModel):
    member_id: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    nationality: str
    passport_number: str | None
    passport_valid_until: date | None
    is_minor: bool
    special_needs: list[str]


class DeskRequestPublic(BaseModel):
    """One open booking request: everything the desk needs to book it."""

    case_id: str
    reference: str
    requested_since: datetime
    due_at: datetime | None
    departure_date: date | None
    destination_city: str | None
    destination_country: str
    escort: bool
    transit_assistance: bool
    travellers: list[DeskTraveller]
