"""The budget figures as computed before the running totals replaced the computation (kept
here as the oracle the running totals are checked against), with the test projects."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlmodel import Session, col, func, select

from activities.costs import CENT
from models.costs import BudgetCommitment, Cost
from models.enums import CaseStatus, CostCategory
from models.funding import BudgetFigures
from models.tables import Case, Project

PROJECTS = ("p-a", "p-b")
CATEGORIES = list(CostCategory)


def oracle(session: Session, project: Project,
           leave_out: tuple[str, CostCategory] | None = None) -> BudgetFigures:
    """The figures as computed before the running totals: every commitment, one SUM each.
    Costs a simulator booked are not consumed but simulated; they still settle commitments."""
    rows = session.exec(
        select(Cost.category, Cost.simulated, func.sum(Cost.amount))  # type: ignore[call-overload]
        .where(col(Cost.project_id) == project.id).group_by(Cost.category, Cost.simulated)
    ).all()
    by_category = {CostCategory(cat): Decimal(total).quantize(CENT)
                   for cat, simulated, total in rows if not simulated}
    simulated_by = {c: Decimal("0.00") for c in CostCategory} | {
        CostCategory(cat): Decimal(total).quantize(CENT)
        for cat, simulated, total in rows if simulated}
    consumed = sum(by_category.values(), Decimal("0.00"))
    committed_by = {c: Decimal("0.00") for c in CostCategory}
    for commitment, status in session.exec(
        select(BudgetCommitment, Case.status)  # type: ignore[call-overload]
        .join(Case, col(Case.id) == col(BudgetCommitment.case_id))
        .where(col(BudgetCommitment.project_id) == project.id)
    ).all():
        if status == CaseStatus.CLOSED or (commitment.case_id, commitment.category) == leave_out:
            continue
        booked = session.exec(
            select(func.sum(Cost.amount)).where(col(Cost.case_id) == commitment.case_id)
            .where(col(Cost.category) == commitment.category)
        ).one() or Decimal(0)
        committed_by[commitment.category] += max(Decimal(commitment.amount) - booked,
                                                 Decimal(0)).quantize(CENT)
    committed = sum(committed_by.values(), Decimal("0.00"))
    total = Decimal(project.total_budget).quantize(CENT)
    return BudgetFigures(
        project_id=project.id, project_code=project.code, currency=project.currency,
        total_budget=total, consumed=consumed, committed=committed,
        remaining=total - consumed - sum(simulated_by.values(), Decimal("0.00")) - committed,
        consumed_by_category={c: by_category.get(c, Decimal("0.00")) for c in CostCategory},
        committed_by_category=committed_by,
        simulated=sum(simulated_by.values(), Decimal("0.00")), simulated_by_category=simulated_by,
    )


def money(rng: random.Random, high: int = 150_000) -> Decimal:
    return Decimal(rng.randint(1, high)) / 100
