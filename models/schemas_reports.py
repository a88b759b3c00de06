"""API schema of a project's donor report. Never a table; figures only, no personal data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field


class TargetProgress(BaseModel):
    name: str
    target: int
    achieved: int | None = Field(description="Null when Homeward does not record this yet")
    percent: float | None = Field(description="achieved / target × 100, one decimal")


class ActivityFigures(BaseModel):
    activities: int
    participants: int


class Spending(BaseModel):
    """An amount and its co-financing split; the two shares always add up to the total."""

    total: Decimal
    eu_share: Decimal
    national_share: Decimal


class ProjectReport(BaseModel):
    project_id: str
    project_code: str
    project_title: str
    start: date | None = Field(description="First day counted; null: since the beginning")
    end: date = Field(description="Last day counted (the as-of day of a cumulative report)")
    cumulative: bool
    persons_returned: int = Field(description="Household members of cases departed")
    cases_returned: int
    cases_opened: int
    cases_closed: int
    cases_closed_by_reason: dict[str, int]
    persons_returned_by_country_of_origin: dict[str, int]
    persons_returned_by_legal_situation: dict[str, int]
    persons_returned_by_vulnerability: dict[str, int] = Field(
        description="A person with two vulnerabilities counts under both; 'none' for nobody's"
    )
    persons_returned_by_sex: dict[str, int]
    persons_returned_by_age_band: dict[str, int] = Field(description="Age on departure day")
    average_days_intake_to_departure: float | None
    persons_reintegrated: int = Field(
        description="Household members of cases whose first reintegration help was delivered"
    )
    cases_reintegrated: int
    currency: str
    eu_share_percent: Decimal
    national_share_percent: Decimal
    spending_by_category: dict[str, Spending] = Field(
        description="Costs incurred in the period, by category, each split EU/national "
        "(EU share rounded half up to the cent, the national share the rest)"
    )
    spending_total: Spending = Field(description="The sum of the categories' lines")
    simulated_costs_by_category: dict[str, Decimal] = Field(
        description="Simulated costs, not spending: amounts simulators booked in the period "
        "(development, demonstration or training systems), by category; in no spending figure"
    )
    simulated_costs_total: Decimal = Field(description="The sum of the simulated costs")
    targets: list[TargetProgress]
    activities_by_type: dict[str, ActivityFigures]
    notes: list[str]
