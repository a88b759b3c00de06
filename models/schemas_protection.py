"""API schemas of need-to-know access, the service directory and referrals."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator

from models.enums import MinorFollowUpKind
from models.protection import ReferralChannel, ReferralOutcome, ServiceKind
from models.schemas_aftercare import EmailLike


class ReasonIn(BaseModel):
    reason: str = Field(min_length=5, max_length=500, description="Why (kept on record)")


class GrantIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500)


class GrantPublic(BaseModel):
    user_id: str
    full_name: str
    granted_by: str
    reason: str | None
    break_glass: bool
    granted_at: datetime
    expires_at: datetime | None


class CaseAccessPublic(BaseModel):
    """Who may see a case beyond everyone (only meaningful when it is restricted)."""

    case_id: str
    restricted: bool
    sensitive_reason: str | None
    assignee_id: str | None
    grants: list[GrantPublic]


class ServiceBase(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    kind: ServiceKind
    email: EmailLike | None = None
    phone: str | None = Field(default=None, max_length=50, pattern=r"^\+?[0-9 ()\-]{3,49}$")
    languages: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class ServiceCreate(ServiceBase):
    pass


class ServiceUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    kind: ServiceKind | None = None
    email: EmailLike | None = None
    phone: str | None = Field(default=None, max_length=50, pattern=r"^\+?[0-9 ()\-]{3,49}$")
    languages: list[str] | None = Field(default=None, max_length=20)
    active: bool | None = None


class ServicePublic(ServiceBase):
    id: str
    active: bool


class ServicesPublic(BaseModel):
    data: list[ServicePublic]
    count: int


class ReferralConsentIn(BaseModel):
    member_id: str = Field(max_length=36)
    given_by: str = Field(min_length=2, max_length=200, description="The person, or a guardian")
    given_on: date
    document_id: str | None = Field(default=None, max_length=36)


class ReferralConsentPublic(ReferralConsentIn):
    id: str
    recorded_by: str
    recorded_at: datetime


class ReferralIn(BaseModel):
    member_id: str = Field(max_length=36)
    provider_id: str = Field(max_length=36)
    reason: str = Field(min_length=5, max_length=1000)
    channel: ReferralChannel
    consent_id: str | None = Field(default=None, max_length=36,
                                   description="Default: the person's latest consent")


class OutcomeIn(BaseModel):
    answer: str | None = Field(default=None, max_length=1000)
    outcome: ReferralOutcome
    outcome_on: date


class ReferralPublic(BaseModel):
    id: str
    case_id: str
    member_id: str
    provider_id: str
    provider_name: str
    consent_id: str
    reason: str
    channel: ReferralChannel
    after_return: bool
    made_by: str
    sent_at: datetime
    message_id: str | None
    answer: str | None
    outcome: ReferralOutcome | None
    outcome_on: date | None
    overdue: bool = False


class ReferralsPublic(BaseModel):
    data: list[ReferralPublic]
    consents: list[ReferralConsentPublic]


class MinorHandoverFactsIn(BaseModel):
    """The handover record's id: the route reads its facts (the child, the day, to whom by
    kind, identity checked) from the record itself."""

    handover_id: str = Field(min_length=1, max_length=36)


class MinorFollowUpIn(BaseModel):
    member_id: str = Field(min_length=1, max_length=36)
    kind: MinorFollowUpKind
    done_on: date
