"""Workflow state up to departure: counselling, eligibility, consent, vulnerability steps,
travel documents, clearance, bookings and the cash grant.

Temporal payloads (parts of ``CaseState``); what follows departure is in
``models/reintegration.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from models.desk import Segment
from models.enums import BookingStatus, ClearanceKind, DocumentStatus, GrantStatus, StepKind
from models.policy import GrantLine


class CounsellingSession(BaseModel):
    held_on: date
    place: str
    language: str
    interpreter: bool = False
    notes: str | None = None


class Eligibility(BaseModel):
    assessed_by: str
    eligible: bool
    notes: str
    assessed_at: datetime
    decided_by: str | None = None
    approved: bool | None = None
    reason: str | None = None


class Consent(BaseModel):
    declaration_signed_on: date
    share_with_authorities: bool
    share_with_partner: bool
    witnessed_by: str
    recorded_by: str


class VulnerabilityStep(BaseModel):
    member_id: str
    kind: StepKind
    done: bool = False
    completed_on: date | None = None
    completed_by: str | None = None
    valid_until: date | None = None  # fit-to-travel: departure must happen before this
    escort_required: bool | None = None  # escort decision
    notes: str | None = None


class TravelDocuments(BaseModel):
    status: DocumentStatus = DocumentStatus.NOT_ASSESSED
    planned_departure: date | None = None
    member_ids: list[str] = Field(default_factory=list)  # travellers without a valid passport
    request_ref: str | None = None
    attempts: int = 0
    requested_at: datetime | None = None
    deadline_at: datetime | None = None
    last_chased_at: datetime | None = None
    reminders_sent: int = 0
    escalations: int = 0
    refusal_reason: str | None = None
    valid_until: date | None = None


class ClearanceConfirmation(BaseModel):
    kind: ClearanceKind
    confirmed_on: date
    reference: str
    recorded_by: str


class Clearance(BaseModel):
    border_guard_ref: str | None = None
    migration_office_ref: str | None = None
    confirmations: list[ClearanceConfirmation] = Field(default_factory=list)


class Booking(BaseModel):
    booking_ref: str
    departure_date: date
    flight: str
    escort: bool
    transit_assistance: bool
    requested_on: date
    status: BookingStatus = BookingStatus.BOOKED
    # Recorded by a travel desk (HOMEWARD_BOOKING=desk): who, the itinerary and the price.
    booked_by: str | None = None
    segments: list[Segment] = Field(default_factory=list)
    price: Decimal | None = None
    currency: str | None = None
    eticket_document_id: str | None = None
    changes: int = 0


class CashHandover(BaseModel):
    """The cash grant handed over against a signed receipt (a document of the case)."""

    recorded_by: str
    handed_over_by: str  # the staff member who handed the cash over
    place: str
    handed_over_on: date
    amount: Decimal
    currency: str
    receipt_document_id: str


class Grant(BaseModel):
    lines: list[GrantLine]
    amount: Decimal
    currency: str
    status: GrantStatus = GrantStatus.PROPOSED
    proposed_by: str
    decided_by: str | None = None
    reason: str | None = None
    payment_id: str | None = None
    receipt_ref: str | None = None
    # How a pending payment is made ("cash", "bank_transfer"); the hand-over once recorded.
    payment_method: str | None = None
    handover: CashHandover | None = None
