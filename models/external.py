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
# A desk's price, or an embassy's fee, in another currency than the project keeps its
# accounts in (Homeward converts nothing).
PRICE_CURRENCY_REFUSED = "PriceCurrencyRefused"
# No active reintegration partner serves the country of origin: a caseworker must act.
NO_PARTNER = "NoPartner"


class DocumentRequest(BaseModel):
    case_id: str
    # Stable per attempt, so a retried request is not filed twice.
    request_key: str
    country_of_origin: str
    member_ids: list[str]


class DocumentRequestResult(BaseModel):
    request_ref: str
    # The embassy's fee for the documents, in the project's currency (None: no fee charged).
    fee: Decimal | None = None


class DocumentFeeInput(BaseModel):
    """The fee staff recorded with the embassy's answer, booked as the document-fee cost under
    the request's key (the key the simulator books its fee under: a request's fee once)."""

    case_id: str
    key: str
    request_ref: str
    fee: Decimal
    currency: str
    persons: int


class WithdrawDocumentRequest(BaseModel):
    case_id: str
    request_ref: str


class ChaseDocumentRequest(BaseModel):
    """The n-th reminder of a request the embassy has not answered (chasing)."""

    case_id: str
    request_ref: str
    reminder: int  # 1 for the first: with the request, the reminder's business key


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
    # Empty when ``desk`` is set: the booking is made later, by hand, and recorded by the desk.
    booking_ref: str = ""
    flight: str = ""
    departure_date: date
    # What the booking costs, in the project's currency (None: the system quoted nothing).
    ticket_price: Decimal | None = None  # all travellers' tickets together
    escort_price: Decimal | None = None  # the escort's travel, when escorted
    # HOMEWARD_BOOKING=desk: the request went to the travel desk, whose update completes it.
    desk: bool = False


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
    # Set when the money moves outside Homeward (cash handed over, a transfer in a bank file):
    # "cash" or "bank_transfer"; the grant then waits for what staff or the bank record.
    pending: str | None = None


class Reminder(BaseModel):
    case_id: str
    reference: str
    recipient_role: Role
    subject: str
    body: str
    # The reminder's timeline entry key: one in-app notification per user however often sent.
    key: str = ""
    # With recipient_role partner: only that organisation's users are reminded.
    partner_org: str | None = None
    # One user (the case's assignee) instead of everyone with the role, when set.
    recipient_id: str | None = None


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


class PartnerTravel(BaseModel):
    """The travel as the partner needs it to meet the household: facts only (the workflow
    sends it as is)."""

    status: str  # booked, no_show (the returnee did not fly), cancelled, flown
    flight: str = ""
    departure_date: date | None = None
    arrival_airport: str | None = None  # the last segment's, when the itinerary is known
    arrival_time: str | None = None  # local time at the arrival airport
    escort: bool = False
    transit_assistance: bool = False


class HandoverRequest(BaseModel):
    """Hand a case over to the partner for its country; the activity reads what the partner
    needs from the database (the workflow never carries names)."""

    case_id: str
    # Stable per handover, sent as the webhook's idempotency key.
    handover_key: str
    country_of_origin: str
    departed_on: date
    # The partner chosen with the returnee before departure (None: the country's first).
    partner_id: str | None = None
    # The flight taken, for the package (None in histories recorded before it was sent).
    travel: PartnerTravel | None = None


class HandoverResult(BaseModel):
    partner_id: str
    partner_ref: str


class PartnerTraveller(BaseModel):
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    relationship: str
    vulnerabilities: list[str]


class PartnerContact(BaseModel):
    """Whom the partner asks about the case at the sending office."""

    name: str
    email: str | None = None


class PartnerNeeds(BaseModel):
    """The needs assessment made with the returnee before departure."""

    wants_to_do: str = ""
    skills: str = ""
    health: str = ""
    housing: str = ""


class PreArrivalRequest(BaseModel):
    """Tell the chosen partner the travel (first, then on every change); the activity reads
    names, contact and needs from the database."""

    case_id: str
    partner_id: str
    # Stable per package: a retried delivery is the same delivery.
    key: str
    # first, rebooked, no_show, cancelled, changed
    reason: str
    travel: PartnerTravel


class PreArrivalResult(BaseModel):
    partner_ref: str


class ProposalRequest(BaseModel):
    """The partner was chosen and the returnee consented: a partner that is another Homeward
    installation is sent the case (docs/exchange.md, ``case.proposed``); others are told by
    the reminder. The activity reads names and needs from the database."""

    case_id: str
    partner_id: str
    # Stable per choice: a retried activity sends the same message.
    key: str


class ProposalResult(BaseModel):
    # The exchange's reference of the message; None: nothing to send (no installation).
    partner_ref: str | None = None
    # Why nothing was sent to the installation (no consent, partner inactive), if so.
    refusal: str | None = None


class WithdrawalRequest(BaseModel):
    """The partner offered the case no longer gets it (another partner chosen, or the case
    closed before departure): a partner that is another Homeward installation and was sent
    the proposal is told (docs/exchange.md, ``case.withdrawn``); others are sent nothing."""

    case_id: str
    partner_id: str
    reason: str  # another_partner | case_closed (models/exchange.WITHDRAWAL_REASONS)
    # Stable per choice of the partner: a retried activity sends the same message.
    key: str


class WithdrawalResult(BaseModel):
    # The exchange's reference of the message; None: nothing sent (no installation, or
    # none that was sent the proposal).
    partner_ref: str | None = None


class PartnerPackage(BaseModel):
    """What a partner receives before arrival and at handover: only what it needs to receive
    and support the household (no passport numbers, legal situation, return decision or place
    of stay). ``kind`` says which: ``pre_arrival`` (``reason`` says why it was sent again) or
    ``handover`` (after departure)."""

    kind: str = "handover"
    reason: str | None = None
    case_id: str
    reference: str
    country_of_origin: str
    destination_city: str | None
    departed_on: date | None = None
    preferred_language: str | None
    household: list[PartnerTraveller]
    travel: PartnerTravel | None = None
    contact: PartnerContact | None = None
    # Only when the returnee consented to share data with the partner and one was recorded.
    needs: PartnerNeeds | None = None


class PartnerChoiceCheck(BaseModel):
    case_id: str
    partner_id: str
    country: str
    region: str | None = None


class PartnerChoiceVerdict(BaseModel):
    ok: bool
    refusal: str | None = None
    serving: list[str] | None = None  # the partners that do serve it (ids), when refused
