"""API bodies for the decisions after departure. Each update input in models/decisions.py is
the body plus the acting user, so the two cannot drift apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, HttpUrl, model_validator

from models.enums import (
    AssistanceKind,
    CaseStatus,
    ClosureReason,
    ComponentKind,
    ComponentLevel,
    Stage,
)
from models.exchange import PartnerKind
from models.payloads import CaseState
from models.reintegration import (
    Arrival,
    ClosureProposal,
    Handover,
    Monitoring,
    ReintegrationPlan,
    VisitScore,
)

Reason = Annotated[str, Field(min_length=1, max_length=2000)]
EmailLike = Annotated[str, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


class ArrivalIn(BaseModel):
    arrived_on: date


class AssistanceIn(BaseModel):
    kind: AssistanceKind
    provided_on: date
    cost: Money


class ComponentIn(BaseModel):
    kind: ComponentKind
    description: str = Field(min_length=1, max_length=500)
    budget: Money
    level: ComponentLevel = Field(
        default=ComponentLevel.INDIVIDUAL,
        description="individual (the household), community (others benefit too) or "
        "structural (a service or authority)")
    other_beneficiaries: int = Field(
        default=0, ge=0, le=1_000_000,
        description="A community component: how many people besides the household benefit")

    @model_validator(mode="after")
    def _beneficiaries_of_a_community(self) -> ComponentIn:
        if self.other_beneficiaries and self.level != ComponentLevel.COMMUNITY:
            raise ValueError("other_beneficiaries is for a community component")
        return self


class PlanIn(BaseModel):
    components: list[ComponentIn] = Field(min_length=1, max_length=20)


class DeliveryIn(BaseModel):
    component_id: str = Field(min_length=1, max_length=20)
    delivered_on: date
    actual_cost: Money
    evidence_ref: str = Field(min_length=1, max_length=200)


class MonitoringReportIn(BaseModel):
    held_on: date
    # Indicator key -> rating 0..scale_max (the case policy's indicator set).
    indicators: dict[str, int]


class ExtraVisitIn(BaseModel):
    due_on: date
    reason: Reason


class EndMonitoringIn(BaseModel):
    reason: Reason


class ClosureProposalIn(BaseModel):
    reason: ClosureReason
    note: Reason


class ReintegrationView(BaseModel):
    """A case after departure as staff and its partner see it: no legal situation, no
    eligibility or counselling notes, no names (partners get those once, at handover)."""

    case_id: str
    reference: str
    country_of_origin: str
    destination_city: str | None
    stage: Stage
    status: CaseStatus
    awaiting: str | None
    warnings: list[str]
    household_size: int
    minors: int
    departed_on: date | None
    handover: Handover | None
    arrival: Arrival
    plan: ReintegrationPlan | None
    planned_total: Decimal
    delivered_total: Decimal
    monitoring: Monitoring
    score_trend: list[VisitScore]
    closure_proposal: ClosureProposal | None
    closure_reason: ClosureReason | None

    @classmethod
    def of(cls, s: CaseState) -> ReintegrationView:
        return cls(
            case_id=s.case_id,
            reference=s.reference,
            country_of_origin=s.country_of_origin,
            destination_city=s.destination_city,
            stage=s.stage,
            status=s.status,
            awaiting=s.awaiting,
            warnings=s.warnings,
            household_size=len(s.household),
            minors=sum(1 for m in s.household if m.is_minor),
            departed_on=s.departed_on,
            handover=s.handover,
            arrival=s.arrival,
            plan=s.plan,
            planned_total=s.plan.total if s.plan else Decimal(0),
            delivered_total=s.plan.delivered_total if s.plan else Decimal(0),
            monitoring=s.monitoring,
            score_trend=s.monitoring.trend(),
            closure_proposal=s.closure_proposal,
            closure_reason=s.closure_reason,
        )


class PartnerIn(BaseModel):
    id: str = Field(min_length=2, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    organisation: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")
    # Regions of the country it covers, comma-separated; empty: the whole country.
    regions: str = Field(default="", max_length=1000)
    contact_email: EmailLike
    webhook_url: HttpUrl | None = None
    webhook_secret: str | None = Field(default=None, min_length=16, max_length=200)
    active: bool = True
    # "homeward": another Homeward installation; webhook_url is its /exchange/v1/messages
    # and webhook_secret the secret both sides share (docs/exchange.md).
    kind: PartnerKind = PartnerKind.WEBHOOK


class PartnerPatch(BaseModel):
    organisation: str | None = Field(default=None, min_length=1, max_length=200)
    regions: str | None = Field(default=None, max_length=1000)
    contact_email: EmailLike | None = None
    webhook_url: HttpUrl | None = None
    webhook_secret: str | None = Field(default=None, min_length=16, max_length=200)
    active: bool | None = None
    kind: PartnerKind | None = None


class PartnerPublic(BaseModel):
    """A partner as the API shows it; the webhook secret is never shown."""

    id: str
    organisation: str
    country: str
    regions: str = ""
    contact_email: str
    webhook_url: str | None
    has_webhook_secret: bool
    active: bool
    kind: PartnerKind = PartnerKind.WEBHOOK


class PartnerCase(BaseModel):
    """A row of a partner's case list."""

    case_id: str
    reference: str
    country_of_origin: str
    destination_city: str | None
    stage: Stage
    departure_date: date | None
    awaiting: str | None
