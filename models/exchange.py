"""The exchange between two Homeward installations (docs/exchange.md): the versioned message
envelope, and the tables each side keeps (outbox, inbox, and the link between a local case
and the other installation's case)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from models.tables import enum_type, utcnow

# Version 2 adds the messages before departure (the proposal, the pre-arrival package and the
# answer); a message carries the version that introduced its type, so a version 1 message is
# still what it was. One path for both: the envelope says its version.
EXCHANGE_VERSION = "2"
EXCHANGE_VERSIONS = frozenset({"1", "2"})
EXCHANGE_PATH = "/exchange/v1/messages"


class PartnerKind(StrEnum):
    WEBHOOK = "webhook"  # an organisation that receives the handover as a signed webhook
    HOMEWARD = "homeward"  # another Homeward installation: the exchange of docs/exchange.md


class MessageType(StrEnum):
    HANDOVER = "case.handover"  # sending -> receiving: the case and its household
    ACCEPTED = "case.accepted"  # receiving -> sending: the receiving case is open
    ARRIVED = "case.arrived"  # receiving -> sending: the rest are the partner's reports
    ASSISTANCE = "arrival.assistance"
    PLAN_PROPOSED = "plan.proposed"
    DELIVERED = "plan.delivered"
    MONITORING = "monitoring.reported"
    # Version 2, before departure:
    PROPOSED = "case.proposed"  # sending -> receiving: the partner was chosen
    PRE_ARRIVAL = "case.pre_arrival"  # sending -> receiving: the travel (again on each change)
    ANSWERED = "proposal.answered"  # receiving -> sending: accepted, or declined with a reason
    # sending -> receiving: the proposal no longer stands (another partner chosen, or the
    # case closed before departure); the body is a reason code only.
    WITHDRAWN = "case.withdrawn"


# The version that introduced each type (the envelope of a message carries it).
SINCE_VERSION: dict[MessageType, str] = {
    MessageType.PROPOSED: "2", MessageType.PRE_ARRIVAL: "2", MessageType.ANSWERED: "2",
    MessageType.WITHDRAWN: "2",
}

# Why the sending side withdrew a proposal (the body of ``case.withdrawn``).
WITHDRAWAL_REASONS = ("another_partner", "case_closed")


def version_of(type_: MessageType) -> str:
    return SINCE_VERSION.get(type_, "1")


# The receiving side's decisions it reports back, by workflow update (workflows/phases); the
# sending side takes each message as the same decision of its partner (api/exchange_inbox).
REPORTED_UPDATES: dict[str, MessageType] = {
    "confirm_arrival": MessageType.ARRIVED,
    "record_assistance": MessageType.ASSISTANCE,
    "propose_plan": MessageType.PLAN_PROPOSED,
    "report_delivery": MessageType.DELIVERED,
    "report_monitoring": MessageType.MONITORING,
}


class Direction(StrEnum):
    SENT = "sent"  # this installation sent the case (the partner reports to it)
    RECEIVED = "received"  # this installation received it (its staff report back)


class Envelope(BaseModel):
    """One message; ``body`` depends on ``type`` (docs/exchange.md)."""

    exchange_version: str = "1"
    message_id: str = PydanticField(min_length=1, max_length=64)
    type: MessageType
    sender: str = PydanticField(min_length=1, max_length=100)
    # The sending installation's case id: both sides name the exchanged case by it.
    conversation_id: str = PydanticField(min_length=1, max_length=64)
    # 1, 2, ... per conversation and direction: the receiver applies them in this order.
    sequence: int = PydanticField(ge=1)
    sent_at: datetime
    body: dict[str, Any] = PydanticField(default_factory=dict)


class ExchangeLink(SQLModel, table=True):
    """A local case exchanged with another installation (one row per case and partner)."""

    __tablename__ = "exchange_links"
    __table_args__ = (sa.UniqueConstraint("partner_id", "conversation_id"),)

    case_id: str = Field(primary_key=True, max_length=36)
    partner_id: str = Field(max_length=100)
    conversation_id: str = Field(max_length=64)
    direction: Direction = Field(sa_type=enum_type(Direction))
    # The sequence number the next message this side sends in the conversation gets.
    next_sequence: int = 1
    consent: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow)


class ExchangeOutbox(SQLModel, table=True):
    """A message to deliver; a Temporal workflow (``exchange-out-<id>``) delivers it."""

    __tablename__ = "exchange_outbox"

    message_id: str = Field(primary_key=True, max_length=64)
    partner_id: str = Field(max_length=100, index=True)
    case_id: str = Field(max_length=36, index=True)
    type: MessageType = Field(sa_type=enum_type(MessageType))
    envelope: dict[str, Any] = Field(sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    failed: bool = False


class ExchangeInbox(SQLModel, table=True):
    """A message received and applied, keyed by its id: received again, it changes nothing."""

    __tablename__ = "exchange_inbox"
    __table_args__ = (sa.UniqueConstraint("partner_id", "conversation_id", "sequence"),)

    message_id: str = Field(primary_key=True, max_length=64)
    partner_id: str = Field(max_length=100)
    conversation_id: str = Field(max_length=64)
    sequence: int
    type: MessageType = Field(sa_type=enum_type(MessageType))
    case_id: str | None = Field(default=None, max_length=36)
    received_at: datetime = Field(default_factory=utcnow)


class ProposalStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    # The sending installation withdrew it (``case.withdrawn``): nothing to answer any more.
    WITHDRAWN = "withdrawn"


class ExchangeProposal(SQLModel, table=True):
    """A case another installation proposes to this one before departure (``case.proposed``,
    ``case.pre_arrival``), on this side's own case row (the one its handover later opens):
    this side's answer, and the travel as last told (facts only; names and the needs
    assessment are in the case's household and needs assessment)."""

    __tablename__ = "exchange_proposals"

    case_id: str = Field(primary_key=True, foreign_key="cases.id", max_length=36)
    partner_id: str = Field(max_length=100, index=True)
    conversation_id: str = Field(max_length=64)
    status: ProposalStatus = Field(default=ProposalStatus.PENDING,
                                   sa_type=enum_type(ProposalStatus))
    # The decline's reason; for a withdrawn proposal, the sender's reason code.
    reason: str | None = Field(default=None, max_length=2000)
    # Who ended the round and when: this side's staff, or ``exchange:<sender>`` (withdrawn).
    answered_by: str | None = Field(default=None, max_length=100)
    answered_at: datetime | None = None
    # The last pre-arrival package's travel (models/external.PartnerTravel) and why it came.
    travel: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    travel_reason: str | None = Field(default=None, max_length=40)
    packages: int = 0
    proposed_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
