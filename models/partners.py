"""Reintegration partners: the organisations that receive and support returnees at home."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.exchange import PartnerKind
from models.tables import enum_type, utcnow


class Partner(SQLModel, table=True):
    __tablename__ = "partners"

    # The organisation code partner users are bound to (User.partner_org), e.g. "GE-partner".
    id: str = Field(primary_key=True, max_length=100)
    organisation: str = Field(max_length=200)
    country: str = Field(max_length=2, index=True, description="ISO 3166-1 alpha-2 it serves")
    # The regions (or cities) of the country it covers, comma-separated; empty: all of it.
    regions: str = Field(default="", max_length=1000)
    contact_email: str = Field(max_length=254)
    # Where handovers are posted, signed with HMAC-SHA256 under webhook_secret.
    webhook_url: str | None = Field(default=None, max_length=500)
    webhook_secret: str | None = Field(default=None, max_length=200)
    # "homeward": another Homeward installation, reached by the exchange (docs/exchange.md)
    # at webhook_url (its /exchange/v1/messages) with webhook_secret as the shared secret.
    kind: PartnerKind = Field(default=PartnerKind.WEBHOOK, sa_type=enum_type(PartnerKind))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)

    def covers(self, region: str | None) -> bool:
        """Whether it serves ``region`` of its country (one without regions serves all)."""
        mine = self.region_list()
        return not mine or region is None or region.strip().casefold() in {
            r.casefold() for r in mine
        }

    def region_list(self) -> list[str]:
        return [r.strip() for r in self.regions.split(",") if r.strip()]


class NeedsAssessment(SQLModel, table=True):
    """The pre-departure needs assessment, made with the returnee (personal data: kept here,
    never in the workflow); the chosen partner reads it under the returnee's consent."""

    __tablename__ = "needs_assessments"

    case_id: str = Field(primary_key=True, foreign_key="cases.id", max_length=36)
    wants_to_do: str = Field(default="", max_length=2000)
    skills: str = Field(default="", max_length=2000)
    health: str = Field(default="", max_length=2000)
    housing: str = Field(default="", max_length=2000)
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow)


class PartnerDelivery(SQLModel, table=True):
    """A package recorded for a partner working on Homeward's own partner page
    (HOMEWARD_PARTNERS=portal): what a webhook would have posted, once per key."""

    __tablename__ = "partner_deliveries"

    key: str = Field(primary_key=True, max_length=200)
    case_id: str = Field(foreign_key="cases.id", max_length=36, index=True)
    partner_id: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=20)  # pre_arrival or handover
    package: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    delivered_at: datetime = Field(default_factory=utcnow)
