"""Temporal payloads of the cost ledger and the budget check. No personal data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from models.enums import CostCategory


class CostLine(BaseModel):
    """One cost to book. ``key`` is the business key of what caused it (a booking key plus
    ``:ticket``, a plan line id...): booking the same key again books nothing."""

    key: str = Field(min_length=1, max_length=200)
    case_id: str
    category: CostCategory
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    incurred_on: date
    description: str = Field(min_length=1, max_length=300)
    simulated: bool = False  # a simulator made the amount up: not spending


class BookCostsInput(BaseModel):
    costs: list[CostLine]


class BookCostsResult(BaseModel):
    booked: int  # newly booked; lines already in the ledger count 0


class BudgetCheckInput(BaseModel):
    case_id: str
    category: CostCategory
    amount: Decimal


class BudgetFigures(BaseModel):
    """A project's budget as it stands: total, consumed (costs booked), committed (approved,
    not yet booked), simulated (costs simulators booked: not spending, but using the budget
    up in a demonstration or training installation) and remaining (total less all three)."""

    project_id: str
    project_code: str
    currency: str
    total_budget: Decimal
    consumed: Decimal
    committed: Decimal = Decimal("0.00")
    remaining: Decimal
    consumed_by_category: dict[CostCategory, Decimal] = Field(default_factory=dict)
    committed_by_category: dict[CostCategory, Decimal] = Field(default_factory=dict)
    # Costs simulators booked: not consumed, not spending, shown apart; remaining less them.
    simulated: Decimal = Decimal("0.00")
    simulated_by_category: dict[CostCategory, Decimal] = Field(default_factory=dict)
    # Set by reserve_budget: the amount fitted and is now committed to the case.
    reserved: bool = False

    @property
    def limited(self) -> bool:
        """A total budget of 0 means none is recorded (the default project): not checked."""
        return self.total_budget > 0

    def allows(self, amount: Decimal) -> bool:
        return not self.limited or (
            self.consumed + self.simulated + self.committed + amount <= self.total_budget)
