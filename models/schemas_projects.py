"""API schemas for projects, moves between projects and project activities. Never tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.enums import ActivityType, CostCategory, Fund
from models.policy import CasePolicy

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
TargetName = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")]
# No target is required: a project sets targets on any reported figure (here the whole
# figures; split ones with PUT /projects/{id}/targets, api/targets.py). Projects used to
# state persons_returned and persons_reintegrated always, 0 when the donor set none.
REQUIRED_TARGETS: tuple[str, ...] = ()


def currency_code(v: str) -> str:
    if len(v) != 3 or not v.isalpha():
        raise ValueError("must be a three-letter ISO 4217 code")
    return v.upper()


def with_required_targets(v: dict[str, int]) -> dict[str, int]:
    return {**{name: 0 for name in REQUIRED_TARGETS}, **v}


class ProjectBase(BaseModel):
    fund: Fund
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._/-]+$")
    title: str = Field(min_length=1, max_length=300)
    period_start: date
    period_end: date
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217, e.g. EUR")
    total_budget: Money
    eu_share_percent: Percent
    national_share_percent: Percent
    targets: dict[TargetName, Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: with_required_targets({}),
        description="Targets on whole reported figures, by name (split targets: "
        "/projects/{id}/targets)",
    )
    policy: CasePolicy | None = Field(
        default=None,
        description="Grant policy, lead times and chasing rules of the project's new cases; "
        "null: the defaults, with the grant in the project's currency",
    )


def check_project(p: ProjectBase) -> None:
    if p.period_end < p.period_start:
        raise ValueError("period_end is before period_start")
    if p.eu_share_percent + p.national_share_percent != 100:
        raise ValueError("eu_share_percent and national_share_percent must add up to 100")
    if p.policy is not None:
        for section, currency in (("grant", p.policy.grant.currency),
                                  ("reintegration", p.policy.reintegration.currency)):
            if currency.upper() != p.currency.upper():
                raise ValueError(
                    f"policy.{section}.currency {currency!r} is not the project's "
                    f"currency {p.currency!r}"
                )


class ProjectCreate(ProjectBase):
    model_config = ConfigDict(extra="forbid")

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        return currency_code(v)

    @field_validator("targets")
    @classmethod
    def _targets(cls, v: dict[str, int]) -> dict[str, int]:
        return with_required_targets(v)

    @model_validator(mode="after")
    def _consistent(self) -> ProjectCreate:
        check_project(self)
        return self


class ProjectUpdate(BaseModel):
    """Any of the project's fields; the result is checked as a whole."""

    model_config = ConfigDict(extra="forbid")

    fund: Fund | None = None
    code: str | None = Field(default=None, min_length=1, max_length=40,
                             pattern=r"^[A-Za-z0-9._/-]+$")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    period_start: date | None = None
    period_end: date | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    total_budget: Money | None = None
    eu_share_percent: Percent | None = None
    national_share_percent: Percent | None = None
    targets: dict[TargetName, Annotated[int, Field(ge=0)]] | None = None
    policy: CasePolicy | None = None


class ProjectPublic(ProjectBase):
    id: str
    created_at: datetime


class ProjectsPublic(BaseModel):
    data: list[ProjectPublic]
    count: int


class ProjectMoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: str = Field(min_length=1, max_length=36, description="The follow-on project")
    reason: str = Field(min_length=1, max_length=2000)


class ProjectMovePublic(BaseModel):
    id: int
    case_id: str
    from_project_id: str
    to_project_id: str
    reason: str
    moved_by: str
    moved_at: datetime


class ActivityBase(BaseModel):
    type: ActivityType
    title: str = Field(min_length=1, max_length=300)
    held_on: date = Field(description="The day the activity took place (its first day)")
    participants_count: int = Field(ge=0, le=1_000_000)
    location: str | None = Field(default=None, min_length=1, max_length=200)


class ActivityCreate(ActivityBase):
    model_config = ConfigDict(extra="forbid")


class ActivityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ActivityType | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    held_on: date | None = None
    participants_count: int | None = Field(default=None, ge=0, le=1_000_000)
    location: str | None = Field(default=None, min_length=1, max_length=200)


class ActivityPublic(ActivityBase):
    id: int
    project_id: str
    created_at: datetime


class CostPublic(BaseModel):
    id: int
    case_id: str
    project_id: str
    category: CostCategory
    amount: Decimal
    currency: str
    incurred_on: date
    description: str
    created_at: datetime
    simulated: bool = Field(description="Booked by a simulator: a made-up amount, not spending")


class CostsPublic(BaseModel):
    data: list[CostPublic]
    count: int
    total: Decimal = Field(
        description="Sum of the amounts spent (one currency per project); simulated costs apart"
    )
    simulated_total: Decimal = Field(description="Sum of the simulated costs: not spending")


class CategoryBudget(BaseModel):
    consumed: Decimal
    committed: Decimal = Field(description="Approved (a grant, a plan), not booked yet")
    share_percent: float | None = Field(description="Of the consumed total; null when nothing")
    simulated: Decimal = Field(description="Booked by simulators: not consumed, not spending")


class BudgetPublic(BaseModel):
    project_id: str
    project_code: str
    currency: str
    total_budget: Decimal
    limited: bool = Field(description="False when the project records no budget (0)")
    consumed: Decimal = Field(description="Costs booked")
    committed: Decimal = Field(
        description="Approved and not booked yet (an approved grant until it is paid); "
        "nothing for closed cases"
    )
    remaining: Decimal = Field(description="total_budget - consumed - simulated - committed")
    simulated: Decimal = Field(
        description="Costs simulators booked (development, demonstration or training "
        "systems): made-up amounts, not consumed and not spending, shown apart; they use the "
        "budget up as real costs would, so a training installation's budget check refuses as "
        "a real one does"
    )
    by_category: dict[CostCategory, CategoryBudget]
