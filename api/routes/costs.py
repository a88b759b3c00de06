"""Costs of a case and the budget of a project (consumed and remaining, per category)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter
from sqlmodel import col, select

from activities.costs import budget_figures
from api.deps import CaseDep, SessionDep
from api.routes.projects import get_project_or_404
from models.costs import Cost
from models.schemas_projects import BudgetPublic, CategoryBudget, CostPublic, CostsPublic

router = APIRouter(prefix="/projects", tags=["projects"])
case_router = APIRouter(prefix="/cases", tags=["projects"])


@case_router.get("/{case_id}/costs", response_model=CostsPublic)
def case_costs(case: CaseDep, session: SessionDep) -> CostsPublic:
    """Every cost booked to the case, oldest first; the total spent leaves simulated costs
    out (they have a total of their own)."""
    rows = session.exec(
        select(Cost).where(Cost.case_id == case.id).order_by(col(Cost.incurred_on), col(Cost.id))
    ).all()
    return CostsPublic(
        data=[CostPublic.model_validate(c, from_attributes=True) for c in rows],
        count=len(rows),
        total=sum((c.amount for c in rows if not c.simulated), Decimal("0.00")),
        simulated_total=sum((c.amount for c in rows if c.simulated), Decimal("0.00")),
    )


@router.get("/{project_id}/budget", response_model=BudgetPublic)
def project_budget(project_id: str, session: SessionDep) -> BudgetPublic:
    """Total budget, consumed, committed and remaining, and the same per cost category; the
    costs simulators booked apart (``simulated``), in none of the others."""
    figures = budget_figures(session, get_project_or_404(session, project_id))
    by_category = {
        c: CategoryBudget(
            consumed=amount,
            committed=figures.committed_by_category[c],
            share_percent=round(float(amount / figures.consumed * 100), 1)
            if figures.consumed else None,
            simulated=figures.simulated_by_category[c],
        )
        for c, amount in figures.consumed_by_category.items()
    }
    # The figures as they stand, and what only the answer shows: limited, per-category shares.
    return BudgetPublic.model_validate(
        figures.model_dump() | {"limited": figures.limited, "by_category": by_category}
    )
