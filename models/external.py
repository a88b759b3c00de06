"""Payloads of the external-system activities (embassy, authorities, booking, payments, notices)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel

from models.enums import LocationType, Role


class Authority(StrEnum):
    BORDER_GUARD = "border_guard"
    MIGRATION_OFFICE = "migration_office"


# Domain refusals: never retried, they become caseworker decisions.
EMBASSY_REFUSED = "EmbassyRefused"
BOOKING_REFUSED = "BookingRefused"
PAYMENT_DECLINED = "PaymentDeclined"


class DocumentRequest(BaseModel):
    case_id: str
    # Stable per attempt, so a retried request is not filed twice.
    request_key: str
    country_of_origin: str
    member_ids: list[str]


class DocumentRequestResult(BaseModel):
    request_ref: str


class WithdrawDocumentRequest(BaseModel):
    case_id: str
    request_ref: str


class AuthorityNotice(BaseModel):
    case_id: str
    authority: Authority
    planned_departure: date
    travellers: int
    location_type: LocationType


class AuthorityNoticeResult(BaseModel):
    reference: str


class BookingRequest(BaseModel):
    case_id: str
    booking_key: str
    country_of_origin: str
    destination_city: str | None
    departure_date: date
    travellers: int
    escort: bool
    transit_assistance: bool


class BookingResult(BaseModel):
    booking_ref: str
    flight: str
    departure_date: date


class CancelBooking(BaseModel):
    case_id: str
    booking_ref: str


class CancelBookingResult(BaseModel):
    cancelled: bool


class PaymentRequest(BaseModel):
    case_id: str
    payment_id: str
    # case id + payment id: a retried or repeated activity never pays twice.
    idempotency_key: str
    amount: Decimal
    currency: str


class PaymentResult(BaseModel):
    receipt_ref: str


class Reminder(BaseModel):
    case_id: str
    reference: str
    recipient_role: Role
    subject: str
    body: str
    # The reminder's timeline entry key: one in-app notification per user however often sent.
    key: str = ""


class Mail(BaseModel):
    """A message to staff as the notifications client sends it: case reference and what is
    awaited, never names."""

    to: list[str]
    subject: str
    body: str
    case_id: str | None = None
    recipient_role: Role | None = None


class ReminderResult(BaseModel):
    message_id: str
