"""The reintegration facts a report counts, as a case's workflow state holds them.

The plan's components (with their level) and the scored monitoring visits live in the
workflow's state; a report over a year of cases cannot ask every workflow. The projection
sends them whenever they change (workflows/projection.py) and writes them next to the case
row in the same transaction (activities/projection.py), so a decision taken by any path
(the API, a web form, another installation's report, a workflow's own step) reaches the
reports, and a stopped API loses none. Codes, dates and amounts only; never a name.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from models.enums import ComponentKind, ComponentLevel, Dimension, PlanStatus
from models.tables import enum_type

if TYPE_CHECKING:  # models.payloads imports this module (through the projection's input)
    from models.payloads import CaseState


# The report tables' columns but the case's and its project's (models/report_data.py): their
# rows are these with those two added, so a column added here is written and counted.
class PlanFact(SQLModel):
    component_id: str = Field(max_length=20)
    kind: ComponentKind = Field(sa_type=enum_type(ComponentKind))
    dimension: Dimension = Field(sa_type=enum_type(Dimension))
    level: ComponentLevel = Field(sa_type=enum_type(ComponentLevel))
    other_beneficiaries: int = 0
    budget: Decimal = Field(sa_type=sa.Numeric(14, 2))
    approved: bool = False
    delivered_on: date | None = None
    actual_cost: Decimal | None = Field(default=None, sa_type=sa.Numeric(14, 2))


class ScoreFact(SQLModel):
    number: int
    due_on: date
    reported_on: date
    months_after_arrival: int | None = None
    economic: Decimal = Field(sa_type=sa.Numeric(4, 2))
    social: Decimal = Field(sa_type=sa.Numeric(4, 2))
    psychosocial: Decimal = Field(sa_type=sa.Numeric(4, 2))
    overall: Decimal = Field(sa_type=sa.Numeric(4, 2))


class ReintegrationFacts(BaseModel):
    plan: list[PlanFact] = Field(default_factory=list)
    scores: list[ScoreFact] = Field(default_factory=list)


def months_between(first: date, later: date) -> int:
    """Whole months from one day to a later one, to the nearest month."""
    return round((later - first).days / (365.25 / 12))


def visit_months(state: CaseState, number: int, due_on: date, extra: bool) -> int | None:
    """The months after arrival a visit stands for: the policy's planned months for the
    planned visits, the distance from the arrival for an extra one."""
    planned = state.policy.aftercare.monitoring_months
    if not extra and number <= len(planned):
        return planned[number - 1]
    arrived = state.arrival.confirmed_on
    return months_between(arrived, due_on) if arrived else None


def facts_of(state: CaseState) -> ReintegrationFacts:
    plan = state.plan
    approved = plan is not None and plan.status == PlanStatus.APPROVED
    return ReintegrationFacts(
        plan=[
            PlanFact(
                component_id=c.component_id, kind=c.kind, dimension=c.dimension, level=c.level,
                other_beneficiaries=c.other_beneficiaries, budget=c.budget, approved=approved,
                delivered_on=c.delivered_on, actual_cost=c.actual_cost,
            )
            for c in (plan.components if plan is not None else [])
        ],
        scores=[
            ScoreFact(
                number=v.number, due_on=v.due_on, reported_on=v.reported_on,
                months_after_arrival=visit_months(state, v.number, v.due_on,
                                                  bool(v.extra_reason)),
                economic=v.score.economic, social=v.score.social,
                psychosocial=v.score.psychosocial, overall=v.score.overall,
            )
            for v in state.monitoring.visits
            if v.score is not None and v.reported_on is not None
        ],
    )
