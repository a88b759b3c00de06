"""Reintegration partners: the organisations that receive and support returnees at home."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.exchange import PartnerKind
from models.tables import enum_type, utcnow


class Partner(SQLModel, table=True):
    __tablename__ = "partners"

    # The organisation code partner users are bound to (User.partner_org), e.g. "GE-partner".
    id: str = Field(primary_key=True, max_length=100)
    organisation: str = Field(max_length=200)
    country: str = Field(max_length=2, index=True, description="ISO 3166-1 alpha-2 it serves")
    contact_email: str = Field(max_length=254)
    # Where handovers are posted, signed with HMAC-SHA256 under webhook_secret.
    webhook_url: str | None = Field(default=None, max_length=500)
    webhook_secret: str | None = Field(default=None, max_length=200)
    # "homeward": another Homeward installation, reached by the exchange (docs/exchange.md)
    # at webhook_url (its /exchange/v1/messages) with webhook_secret as the shared secret.
    kind: PartnerKind = Field(default=PartnerKind.WEBHOOK, sa_type=enum_type(PartnerKind))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
