"""The cost ledger: book a cost idempotently, and a project's budget figures.

Every cost is booked by the activity that caused it, inside that activity, under a key
derived from the activity's own business key: a retried activity books nothing twice.
``book_cost`` is the reusable helper; ``CostActivities.book_costs`` lets a workflow book
costs that no external call causes (post-arrival help, reintegration plan lines).
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import structlog
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from models.costs import Cost
from models.enums import CostCategory
from models.funding import (
    BookCostsInput,
    BookCostsResult,
    BudgetCheckInput,
    BudgetFigures,
    CostLine,
)
from models.tables import Case, Project

log = structlog.get_logger(__name__)
CENT = Decimal("0.01")


def book_cost(
    session: Session,
    *,
    key: str,
    case_id: str,
    category: CostCategory,
    amount: Decimal,
    incurred_on: date,
    description: str,
) -> tuple[Cost, bool]:
    """Book a cost to the case's current project, in its currency; commits.

    Returns (cost, booked): an existing cost with the same key is returned unchanged, so
    calling this again (a retried activity, a concurrent twin) books nothing twice.
    """
    existing = session.exec(select(Cost).where(Cost.key == key)).first()
    if existing is not None:
        return existing, False
    case = session.get(Case, case_id)
    if case is None:
        raise ApplicationError(f"case {case_id} has no record", type="CaseRecordMissing")
    project = session.get(Project, case.project_id)
    assert project is not None  # foreign key
    cost = Cost(
        key=key,
        case_id=case_id,
        project_id=project.id,
        category=category,
        amount=Decimal(amount).quantize(CENT),
        currency=project.currency,
        incurred_on=incurred_on,
        description=description,
    )
    session.add(cost)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        twin = session.exec(select(Cost).where(Cost.key == key)).first()
        if twin is None:
            raise
        return twin, False
    session.refresh(cost)
    log.info("cost booked", category=category, key=key)
    return cost, True


def book_lines(engine: Engine, lines: list[CostLine]) -> int:
    """Book each line (idempotently); the number newly booked."""
    booked = 0
    with Session(engine) as session:
        for line in lines:
            _, new = book_cost(session, **line.model_dump())
            booked += new
    return booked


async def book_lines_async(engine: Engine | None, lines: list[CostLine]) -> None:
    """From an async activity: book in a thread, so the event loop never waits on the DB.

    Without a database (activity unit tests wiring a bare client) there is no ledger."""
    if engine is not None and lines:
        await asyncio.to_thread(book_lines, engine, lines)


def budget_figures(session: Session, project: Project) -> BudgetFigures:
    rows = session.exec(
        select(Cost.category, func.sum(Cost.amount))  # type: ignore[call-overload]
        .where(col(Cost.project_id) == project.id)
        .group_by(Cost.category)
    ).all()
    by_category = {CostCategory(cat): Decimal(total).quantize(CENT) for cat, total in rows}
    consumed = sum(by_category.values(), Decimal("0.00"))
    total = Decimal(project.total_budget).quantize(CENT)
    return BudgetFigures(
        project_id=project.id,
        project_code=project.code,
        currency=project.currency,
        total_budget=total,
        consumed=consumed,
        remaining=total - consumed,
        consumed_by_category={c: by_category.get(c, Decimal("0.00")) for c in CostCategory},
    )


class CostActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="book_costs")
    def book_costs(self, data: BookCostsInput) -> BookCostsResult:
        """Book costs no external call causes (post-arrival help, reintegration lines)."""
        return BookCostsResult(booked=book_lines(self._engine, data.costs))

    @activity.defn(name="budget_for_case")
    def budget_for_case(self, data: BudgetCheckInput) -> BudgetFigures:
        """The budget figures of the project the case belongs to now."""
        with Session(self._engine) as session:
            case = session.get(Case, data.case_id)
            if case is None:
                raise ApplicationError(
                    f"case {data.case_id} has no record", type="CaseRecordMissing"
                )
            project = session.get(Project, case.project_id)
            assert project is not None
            return budget_figures(session, project)
