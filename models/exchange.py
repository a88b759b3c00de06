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

EXCHANGE_VERSION = "1"
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

    exchange_version: str = EXCHANGE_VERSION
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
