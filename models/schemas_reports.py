"""API schema of a project's donor report. Never a table; figures only, no personal data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field


class TargetPart(BaseModel):
    part: str = Field(description="The breakdown's value, e.g. GR, female, 2026-Q1")
    target: int
    achieved: int | None
    percent: float | None


class TargetProgress(BaseModel):
    name: str = Field(description="The reported figure the target is set on")
    breakdown: str = Field(
        default="", description="Empty: the whole figure; else what the parts split it by")
    target: int = Field(description="The whole figure's target, or the sum of the parts'")
    achieved: int | None = Field(description="Null when Homeward does not record this yet")
    percent: float | None = Field(description="achieved / target × 100, one decimal")
    parts: list[TargetPart] = Field(default_factory=list)


class OutreachFigures(BaseModel):
    """Information sessions and counselling contacts held in the period, with or without a
    case: contacts by kind and place, persons reached by nationality, sex and age band."""

    contacts: int
    contacts_by_kind: dict[str, int]
    contacts_by_place_type: dict[str, int]
    persons_reached: int
    persons_reached_by_kind: dict[str, int]
    persons_reached_by_nationality: dict[str, int]
    persons_reached_by_sex: dict[str, int]
    persons_reached_by_age_band: dict[str, int]
    contacts_followed_by_a_case: int = Field(
        description="Contacts of the period linked to a case opened later")


class Indicator(BaseModel):
    code: str
    framework: str
    name: str
    definition: str
    source: str
    value: int | float | None
    unit: str
    computed_from: str = Field(description="Which of Homeward's figures give the value")


class IndicatorNotComputed(BaseModel):
    code: str
    framework: str
    name: str
    source: str
    reason: str


class ComponentFigures(BaseModel):
    components: int
    actual_cost: Decimal


class ReintegrationOutcomes(BaseModel):
    sustainability_threshold: Decimal
    visits_by_period: dict[str, int] = Field(
        description="Monitoring visits reported in the period, by months after arrival")
    sustainability_distribution: dict[str, dict[str, dict[str, int]]] = Field(
        description="Period (months after arrival) -> dimension -> score band -> visits")
    share_above_threshold_at_12_months: dict[str, float | None] = Field(
        description="Dimension -> % of the 12-month visits scoring at or above the threshold")
    referrals: dict[str, Any]
    components_delivered_by_category: dict[str, ComponentFigures]
    components_delivered_by_level: dict[str, ComponentFigures]
    components_delivered_by_level_and_category: dict[str, dict[str, int]]
    community_other_beneficiaries: int = Field(
        description="Beneficiaries besides the households of the community components "
        "delivered in the period")


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
    outreach: OutreachFigures
    reintegration_outcomes: ReintegrationOutcomes
    indicators: list[Indicator]
    indicators_not_computed: list[IndicatorNotComputed]
    notes: list[str]


class PortfolioRow(BaseModel):
    project_id: str
    project_code: str
    project_title: str
    start: date
    end: date
    currency: str
    total_budget: Decimal
    persons_returned: int
    cases_returned: int
    cases_opened: int
    persons_reintegrated: int
    outreach_persons_reached: int
    referrals: int
    spending_total: Spending


class PortfolioReport(BaseModel):
    """All projects of a fund whose period meets a year, side by side: each counted over the
    part of the year inside its period; totals summed per currency."""

    fund: str
    year: int
    projects: list[PortfolioRow]
    totals: dict[str, int] = Field(description="The projects' counts summed")
    budget_by_currency: dict[str, Decimal]
    spending_by_currency: dict[str, Spending] = Field(
        description="The projects' spending totals summed, per currency")
