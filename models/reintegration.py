"""Workflow state after departure: handover, arrival, reintegration plan, monitoring, closure.

Temporal payloads (parts of ``CaseState``); no names, only ids, dates, amounts and codes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from models.enums import (
    AssistanceKind,
    ClosureReason,
    ComponentKind,
    ComponentLevel,
    Dimension,
    MinorFollowUpKind,
    PlanStatus,
    Stage,
)


class Handover(BaseModel):
    """The case handed over to the reintegration partner for the country of origin."""

    partner_id: str
    handed_over_at: datetime
    partner_ref: str


class PartnerAnswer(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PartnerChoice(BaseModel):
    """The reintegration partner chosen with the returnee before departure, and its answer.

    The partner sees the case once the returnee consents to sharing with it (``offered_at``);
    it has ``answer_days`` from then to accept or decline."""

    partner_id: str
    region: str | None = None
    chosen_by: str
    chosen_at: datetime
    offered_at: datetime | None = None
    answer_due: datetime | None = None
    answer: PartnerAnswer = PartnerAnswer.PENDING
    answered_at: datetime | None = None
    answered_by: str | None = None
    reason: str | None = None
    supervisor_told: bool = False  # of a missing answer
    # The travel the last pre-arrival package described ("" before the first one).
    package_for: str = ""
    packages_sent: int = 0

    @property
    def open(self) -> bool:
        """Still the case's partner (not declined)."""
        return self.answer != PartnerAnswer.DECLINED


class Assistance(BaseModel):
    kind: AssistanceKind
    provided_on: date
    cost: Decimal
    recorded_by: str


class Arrival(BaseModel):
    expected_by: datetime | None = None  # confirmation due; reminders after this
    escalate_at: datetime | None = None  # supervisor alert after this
    confirmed_on: date | None = None
    confirmed_by: str | None = None
    reminders_sent: int = 0
    escalated: bool = False
    assistance: list[Assistance] = Field(default_factory=list)


class PlanComponent(BaseModel):
    component_id: str
    kind: ComponentKind
    dimension: Dimension
    description: str
    budget: Decimal
    # Plans recorded before levels existed are individual, with no other beneficiaries.
    level: ComponentLevel = ComponentLevel.INDIVIDUAL
    other_beneficiaries: int = 0  # a community component's beneficiaries besides the case's
    delivered_on: date | None = None
    actual_cost: Decimal | None = None
    evidence_ref: str | None = None
    reported_by: str | None = None


class ReintegrationPlan(BaseModel):
    components: list[PlanComponent]
    currency: str
    total: Decimal
    cap: Decimal
    status: PlanStatus = PlanStatus.PROPOSED
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None = None
    reason: str | None = None

    @property
    def delivered_total(self) -> Decimal:
        return sum((c.actual_cost or Decimal(0) for c in self.components), Decimal(0))


class VisitScore(BaseModel):
    """The sustainability score of one visit: per dimension and overall, 0.00 to 1.00."""

    economic: Decimal
    social: Decimal
    psychosocial: Decimal
    overall: Decimal


class MonitoringVisit(BaseModel):
    number: int
    due_on: date
    extra_reason: str | None = None  # set for a visit a supervisor added
    reminded: bool = False
    overdue: bool = False
    reported_on: date | None = None
    reported_by: str | None = None
    indicators: dict[str, int] = Field(default_factory=dict)
    score: VisitScore | None = None


class Monitoring(BaseModel):
    visits: list[MonitoringVisit] = Field(default_factory=list)
    ended_early_by: str | None = None
    end_reason: str | None = None

    def open_visits(self) -> list[MonitoringVisit]:
        return [v for v in self.visits if v.reported_on is None]

    def trend(self) -> list[VisitScore]:
        return [v.score for v in self.visits if v.score is not None]


class MinorFollowUp(BaseModel):
    """Family tracing or a best-interests follow-up of an unaccompanied minor, on a schedule
    from the arrival; reminded before it is due and overdue after the visits' grace."""

    member_id: str
    kind: MinorFollowUpKind
    number: int
    due_on: date
    done_on: date | None = None
    done_by: str | None = None
    reminded: bool = False
    overdue: bool = False


class MinorsAfterReturn(BaseModel):
    """Unaccompanied minors after return: who arrived (set at the arrival), the handover
    record of each (its database id: the name of whom they went to stays there) and the
    follow-ups scheduled."""

    member_ids: list[str] = Field(default_factory=list)
    handovers: dict[str, str] = Field(default_factory=dict)  # member id -> handover record id
    follow_ups: list[MinorFollowUp] = Field(default_factory=list)

    def open_follow_ups(self) -> list[MinorFollowUp]:
        return sorted((f for f in self.follow_ups if f.done_on is None),
                      key=lambda f: (f.due_on, f.number))

    def without_handover(self) -> list[str]:
        return [m for m in self.member_ids if m not in self.handovers]


class ClosureProposal(BaseModel):
    reason: ClosureReason
    note: str
    proposed_by: str
    proposed_at: datetime
    # The stage the case returns to if the supervisor sends the proposal back.
    from_stage: Stage
