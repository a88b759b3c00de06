"""API schemas of consent by purpose and of minors' handovers at arrival."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from models.consent import ConsentStatus, HandoverTo, Purpose


class PurposeConsentIn(BaseModel):
    member_id: str = Field(min_length=1, max_length=36)
    purpose: Purpose
    status: ConsentStatus
    on: date
    given_by: str | None = Field(default=None, max_length=200,
                                 description="Who stated it: the person or a guardian")
    document_id: str | None = Field(default=None, max_length=36,
                                    description="The signed form, a document of this case")


class PurposeConsentPublic(PurposeConsentIn):
    id: str
    recorded_by: str
    recorded_at: datetime


class InForce(BaseModel):
    """One person's consent in force per purpose (none: the purpose's default applies)."""

    member_id: str
    purposes: dict[Purpose, ConsentStatus | None]
    may_send: dict[Purpose, bool]


class ConsentNotice(BaseModel):
    """A notice of a withdrawal sent to one who already held the person's data."""

    recipients: str
    kind: str
    sent_at: datetime | None
    message_id: str


class PurposeConsentsPublic(BaseModel):
    data: list[PurposeConsentPublic] = Field(description="Every statement, newest first")
    in_force: list[InForce]
    notices: list[ConsentNotice] = Field(default_factory=list)


class MinorHandoverIn(BaseModel):
    member_id: str = Field(min_length=1, max_length=36)
    handed_over_on: date
    to_kind: HandoverTo
    to_name: str = Field(min_length=2, max_length=200)
    relationship: str = Field(min_length=2, max_length=100)
    identity_checked: bool
    identity_check: str | None = Field(default=None, max_length=300,
                                       description="How identity was checked")
    document_id: str | None = Field(default=None, max_length=36,
                                    description="The signed handover record, a document of this case")


class MinorHandoverPublic(MinorHandoverIn):
    id: str
    recorded_by: str
    recorded_at: datetime
