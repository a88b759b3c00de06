"""Protection: who may see a restricted case (grants), the service directory, referrals."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.tables import enum_type, utcnow

# A household member with one of these makes the case restricted (need to know).
PROTECTED_VULNERABILITIES = ("trafficking_victim", "unaccompanied_minor")


class CaseAccess(SQLModel, table=True):
    """Access to a restricted case given to one user: by a supervisor, or taken by the user
    ("break glass", with a reason and an expiry). Never deleted: a removal sets
    ``revoked_at``, so who could see the case when stays on record."""

    __tablename__ = "case_access"
    __table_args__ = (sa.Index("ix_case_access_user_case", "user_id", "case_id"),)

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    user_id: str = Field(foreign_key="users.id", max_length=36)
    granted_by: str = Field(max_length=100)
    reason: str | None = Field(default=None, max_length=500)
    break_glass: bool = False
    granted_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked_by: str | None = Field(default=None, max_length=100)


class ServiceKind(StrEnum):
    COUNTER_TRAFFICKING = "counter_trafficking"
    HOTLINE = "hotline"
    CHILD_PROTECTION = "child_protection"
    MEDICAL = "medical"
    PSYCHOSOCIAL = "psychosocial"
    LEGAL_AID = "legal_aid"
    SHELTER = "shelter"


class ServiceProvider(SQLModel, table=True):
    """A specialised service people can be referred to, kept by admins."""

    __tablename__ = "service_providers"
    __table_args__ = (sa.Index("ix_service_providers_country_kind", "country", "kind"),)

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    kind: ServiceKind = Field(sa_type=enum_type(ServiceKind))
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=50)
    languages: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class ReferralChannel(StrEnum):
    EMAIL = "email"  # secure e-mail through the office's SMTP server, sent once
    PHONE = "phone"
    IN_PERSON = "in_person"


class ReferralOutcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SERVICE_GIVEN = "service_given"


class ReferralConsent(SQLModel, table=True):
    """A person's recorded consent to be referred (to share their data with a provider)."""

    __tablename__ = "referral_consents"

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    member_id: str = Field(foreign_key="household_member.id", max_length=36)
    given_by: str = Field(max_length=200, description="Who consented: the person or a guardian")
    given_on: date
    document_id: str | None = Field(default=None, max_length=36)  # the signed form, if any
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Referral(SQLModel, table=True):
    """A household member referred to a provider, under a consent; the answer and the
    outcome are recorded later."""

    __tablename__ = "referrals"
    # Overdue referrals (no outcome) are found by their sending time.
    __table_args__ = (sa.Index("ix_referrals_outcome_sent", "outcome", "sent_at"),)

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    member_id: str = Field(foreign_key="household_member.id", max_length=36)
    provider_id: str = Field(foreign_key="service_providers.id", max_length=36)
    consent_id: str = Field(foreign_key="referral_consents.id", max_length=36)
    reason: str = Field(max_length=1000)
    channel: ReferralChannel = Field(sa_type=enum_type(ReferralChannel))
    after_return: bool = False
    made_by: str = Field(max_length=100)
    made_by_role: str = Field(max_length=40)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    message_id: str | None = Field(default=None, max_length=250)  # the e-mail's, when mailed
    answer: str | None = Field(default=None, max_length=1000)
    outcome: ReferralOutcome | None = Field(default=None, sa_type=enum_type(ReferralOutcome))
    outcome_on: date | None = None
    outcome_by: str | None = Field(default=None, max_length=100)
