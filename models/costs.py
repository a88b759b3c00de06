"""The cost ledger: every amount spent on a case, booked to the case's project. Append-only.

A project's budget figures are kept as running totals (``BudgetTotal``) by database triggers
(migration 0017), in the transaction of every write to costs, commitments and case status.
"""

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
    # The donor report sums a project's costs of a period by category from this index alone.
    # (With ``simulated``, migration 0024: simulated costs are summed apart.)
    __table_args__ = (
        sa.Index("ix_costs_project_incurred", "project_id", "incurred_on", "category",
                 "simulated", "amount"),
    )

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
    # Booked by a simulator (the embassy's, booking's or payments' in simulated mode): its
    # amount was made up, nothing was spent. Left out of spending (budget consumed, donor
    # reports) and shown apart; it still uses the budget up and settles the case's
    # commitment, as the simulated payment or booking did happen for the case (0024).
    simulated: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


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


class BudgetTotal(SQLModel, table=True):
    """A project's running totals for one category, in cents: what is consumed (costs booked
    to the project) and what is committed (the open part of its commitments). Written only
    by the triggers of migration 0017, never by the application (``activities/costs.py``
    reads them): every writer of costs, commitments or a case's status keeps them right,
    including bulk inserts and imports, in its own transaction."""

    __tablename__ = "budget_totals"

    project_id: str = Field(foreign_key="projects.id", primary_key=True, max_length=36)
    category: CostCategory = Field(sa_type=enum_type(CostCategory), primary_key=True)
    consumed_cents: int = Field(default=0, sa_type=sa.BigInteger)  # not simulated
    committed_cents: int = Field(default=0, sa_type=sa.BigInteger)
    simulated_cents: int = Field(default=0, sa_type=sa.BigInteger)  # costs simulators booked
