"""API schemas: what clients send and receive. Never tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.enums import (
    CaseStatus,
    ClearanceKind,
    ClosureReason,
    DocumentChoice,
    LegalSituation,
    LocationType,
    NoShowChoice,
    Relationship,
    Sex,
    Stage,
    StepKind,
    Vulnerability,
)
from models.schemas_case import CaseView


class CaseBase(BaseModel):
    country_of_origin: str = Field(
        min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code, e.g. GE"
    )
    legal_situation: LegalSituation
    location_type: LocationType
    location_name: str | None = Field(default=None, max_length=200)
    return_decision_date: date | None = None
    voluntary_departure_deadline: date | None = None
    preferred_language: str | None = Field(default=None, min_length=2, max_length=50)
    destination_city: str | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("country_of_origin")
    @classmethod
    def _upper_alpha(cls, v: str) -> str:
        return country_code(v)


def country_code(v: str) -> str:
    if len(v) != 2 or not v.isalpha():
        raise ValueError("must be a two-letter country code")
    return v.upper()


ADULT_AGE = 18


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonIn(BaseModel):
    """A household member's personal data; stored in the database, never sent to Temporal."""

    model_config = ConfigDict(extra="forbid")

    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    date_of_birth: date
    sex: Sex
    nationality: str = Field(description="ISO 3166-1 alpha-2 code")
    passport_number: str | None = Field(default=None, min_length=3, max_length=50)
    passport_valid_until: date | None = None
    vulnerabilities: list[Vulnerability] = Field(default_factory=list)

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, v: str) -> str:
        return country_code(v)

    @field_validator("date_of_birth")
    @classmethod
    def _born_in_the_past(cls, v: date) -> date:
        if v > date.today():
            raise ValueError("must not be in the future")
        return v

    @field_validator("vulnerabilities")
    @classmethod
    def _no_repeats(cls, v: list[Vulnerability]) -> list[Vulnerability]:
        if len(set(v)) != len(v):
            raise ValueError("lists a vulnerability twice")
        return v

    @model_validator(mode="after")
    def _passport(self) -> PersonIn:
        if self.passport_number and self.passport_valid_until is None:
            raise ValueError("passport_valid_until is required with a passport_number")
        return self

    def is_minor(self, today: date) -> bool:
        return age_on(self.date_of_birth, today) < ADULT_AGE


class DependantIn(PersonIn):
    relationship: Relationship

    @field_validator("relationship")
    @classmethod
    def _not_principal(cls, v: Relationship) -> Relationship:
        if v == Relationship.PRINCIPAL:
            raise ValueError("a dependant cannot be the principal applicant")
        return v


class HouseholdMemberPublic(PersonIn):
    """A household member as the case view shows it: personal data, so staff only (api/policy.py)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="The member id the workflow knows this person by")
    relationship: Relationship
    removed_at: datetime | None = Field(
        default=None, description="When the person left the household (kept, does not travel)")
    removal_reason: str | None = None


class CaseCreate(CaseBase):
    model_config = ConfigDict(extra="forbid")

    project_id: str | None = Field(
        default=None, min_length=1, max_length=36,
        description="The project the case runs under; the configured default project if absent",
    )
    principal: PersonIn
    dependants: list[DependantIn] = Field(default_factory=list, max_length=20)
    outreach_contact_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1,
        description="The counselling contact or information session that led to the case")

    @model_validator(mode="after")
    def _consistent(self) -> CaseCreate:
        if (
            self.return_decision_date
            and self.voluntary_departure_deadline
            and self.voluntary_departure_deadline < self.return_decision_date
        ):
            raise ValueError("voluntary_departure_deadline is before return_decision_date")
        today = date.today()
        people = [("principal", self.principal)] + [
            (f"dependants[{i}]", d) for i, d in enumerate(self.dependants)
        ]
        adults = [p for _, p in people if not p.is_minor(today)]
        for where, person in people:
            if Vulnerability.UNACCOMPANIED_MINOR in person.vulnerabilities:
                if not person.is_minor(today):
                    raise ValueError(f"{where}.vulnerabilities: unaccompanied_minor on an adult")
                if adults:
                    raise ValueError(
                        f"{where}.vulnerabilities: unaccompanied_minor in a household with an adult"
                    )
        return self


class CasePublic(CaseBase):
    id: str
    reference: str
    project_id: str
    created_at: datetime
    updated_at: datetime
    stage: Stage
    status: CaseStatus
    closure_reason: ClosureReason | None = None
    departure_date: date | None = None
    grant_receipt_ref: str | None = None
    assignee_id: str | None = Field(default=None, description="The caseworker's user id")


class CaseDetail(CasePublic):
    live: CaseView | None = Field(  # type: ignore[valid-type]
        default=None, description="The workflow's own state; null when Temporal is unreachable"
    )


class CasesPublic(BaseModel):
    data: list[CasePublic]
    count: int


class CounsellingSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    place: str = Field(min_length=1, max_length=200)
    language: str = Field(min_length=2, max_length=50)
    interpreter: bool = False
    notes: str | None = Field(default=None, max_length=4000)


class HealthPublic(BaseModel):
    status: str
    database: str
    temporal: str


# Decision bodies: who acts comes from the request (api/deps.py CurrentActor), not the body.

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EligibilityAssessmentIn(DecisionIn):
    eligible: bool
    notes: Text


class ApprovalIn(DecisionIn):
    approve: bool
    reason: Text


class ConsentIn(DecisionIn):
    declaration_signed_on: date
    share_with_authorities: bool
    share_with_partner: bool
    witnessed_by: str = Field(min_length=1, max_length=200)


class VulnerabilityStepIn(DecisionIn):
    member_id: str = Field(min_length=1, max_length=36)
    kind: StepKind
    completed_on: date
    valid_until: date | None = None
    escort_required: bool | None = None
    notes: str | None = Field(default=None, max_length=2000)


class DocumentsAssessmentIn(DecisionIn):
    planned_departure: date


class EmbassyAnswerIn(DecisionIn):
    request_ref: str = Field(min_length=1, max_length=100)
    issued: bool
    valid_until: date | None = None
    reason: str | None = Field(default=None, max_length=2000)
    # What the embassy charged, in the project's currency; absent when it charged nothing.
    fee: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    fee_currency: str | None = Field(default=None, min_length=3, max_length=3)


class DocumentDecisionIn(DecisionIn):
    choice: DocumentChoice
    reason: Text


class ClearanceIn(DecisionIn):
    kind: ClearanceKind
    confirmed_on: date
    reference: str = Field(min_length=1, max_length=100)


class BookingIn(DecisionIn):
    departure_date: date
    escort: bool = False
    transit_assistance: bool = False


class DepartureIn(DecisionIn):
    booking_ref: str = Field(min_length=1, max_length=100)
    departed_on: date


class NoShowDecisionIn(DecisionIn):
    choice: NoShowChoice
    reason: Text
    new_departure_date: date | None = None


class GrantProposalIn(DecisionIn):
    """Nothing to send: the workflow computes the grant from the project's policy."""
