"""The cost ledger: every amount spent on a case, booked to the case's project. Append-only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import CostCategory
from models.tables import enum_type, utcnow


class Cost(SQLModel, table=True):
    """One cost in the project's currency. ``key`` makes booking idempotent: the activity
    that caused the cost derives it from its own business key, so a retry books nothing twice."""

    __tablename__ = "costs"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    project_id: str = Field(foreign_key="projects.id", index=True, max_length=36)
    category: CostCategory = Field(sa_type=enum_type(CostCategory))
    amount: Decimal = Field(sa_type=sa.Numeric(14, 2))
    currency: str = Field(max_length=3)
    incurred_on: date = Field(index=True)
    description: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class BudgetCommitment(SQLModel, table=True):
    """Money an approval set aside (a grant, a reintegration plan) until its costs are booked.

    One per case and category, updated by a later approval. What is still open of it is its
    amount less the costs of that category booked to the case, and nothing once the case is
    closed; so two approvals in a row cannot both spend the same remaining budget."""

    __tablename__ = "budget_commitments"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=200)  # case id + category
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    project_id: str = Field(foreign_key="projects.id", index=True, max_length=36)
    category: CostCategory = Field(sa_type=enum_type(CostCategory))
    amount: Decimal = Field(sa_type=sa.Numeric(14, 2))
    updated_at: datetime = Field(default_factory=utcnow)
