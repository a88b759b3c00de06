"""The cost ledger: book a cost idempotently, and a project's budget figures.

Every cost is booked by the activity that caused it, inside that activity, under a key
derived from the activity's own business key: a retried activity books nothing twice.
``book_cost`` is the reusable helper; ``CostActivities.book_costs`` lets a workflow book
costs that no external call causes (post-arrival help, reintegration plan lines).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal

import structlog
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from models.costs import BudgetCommitment, BudgetTotal, Cost
from models.enums import CaseStatus, CostCategory
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
    simulated: bool = False,
) -> tuple[Cost, bool]:
    """Book a cost to the case's current project, in its currency; commits. ``simulated``:
    a simulator made the amount up (left out of spending, shown apart).

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
        simulated=simulated,
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
    log.info("cost booked", category=category, key=key, simulated=simulated)
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


def commitment_key(case_id: str, category: CostCategory) -> str:
    return f"{case_id}:{category.value}"


def open_commitment(session: Session, project: Project, case_id: str,
                    category: CostCategory) -> Decimal:
    """What the case's commitment of a category still holds of the project's budget: its
    amount less the costs of that category booked to the case, nothing if the case is closed
    or the commitment belongs to another project."""
    # By its unique key: without ANALYZE statistics SQLite chose the project index for a
    # (case, category, project) filter and read every commitment of the project.
    commitment = session.exec(select(BudgetCommitment).where(
        BudgetCommitment.key == commitment_key(case_id, category))).first()
    case = session.get(Case, case_id)
    if (commitment is None or commitment.project_id != project.id or case is None
            or case.status == CaseStatus.CLOSED):
        return Decimal("0.00")
    booked = session.exec(
        select(func.sum(Cost.amount))
        .where(col(Cost.case_id) == case_id)
        .where(col(Cost.category) == category)
    ).one() or Decimal(0)
    return max(Decimal(commitment.amount) - booked, Decimal(0)).quantize(CENT)


def budget_figures(
    session: Session, project: Project, leave_out: tuple[str, CostCategory] | None = None
) -> BudgetFigures:
    """Total, consumed, committed and remaining; ``leave_out`` (case id, category) leaves that
    case's own commitment out, for a new approval that replaces it. Costs a simulator booked
    are not consumed (nothing was spent): they are ``simulated``, apart. They still use up
    the budget (``remaining`` leaves them out): they exist only where every figure is play (a
    development, demonstration or training installation; production refuses simulators),
    and there the budget check should refuse as it would with real costs.

    Read from the running totals (``BudgetTotal``, kept by triggers in the transaction of
    every cost, commitment and closure; migration 0017 says why triggers) rather than
    computed from the ledger: an approval reads them with the project row locked, and
    reading every commitment and its costs grows with the cases (22 s at 100,000 as one SUM
    per commitment; one aggregate would still read them all), while this reads seven rows."""
    rows = session.exec(
        select(BudgetTotal).where(col(BudgetTotal.project_id) == project.id)
    ).all()
    consumed_by = {c: Decimal("0.00") for c in CostCategory}
    committed_by = {c: Decimal("0.00") for c in CostCategory}
    simulated_by = {c: Decimal("0.00") for c in CostCategory}
    for row in rows:
        consumed_by[row.category] = (Decimal(row.consumed_cents) / 100).quantize(CENT)
        committed_by[row.category] = (Decimal(row.committed_cents) / 100).quantize(CENT)
        simulated_by[row.category] = (Decimal(row.simulated_cents) / 100).quantize(CENT)
    if leave_out is not None:
        case_id, category = leave_out
        committed_by[category] -= open_commitment(session, project, case_id, category)
    consumed = sum(consumed_by.values(), Decimal("0.00"))
    committed = sum(committed_by.values(), Decimal("0.00"))
    simulated = sum(simulated_by.values(), Decimal("0.00"))
    total = Decimal(project.total_budget).quantize(CENT)
    return BudgetFigures(
        project_id=project.id,
        project_code=project.code,
        currency=project.currency,
        total_budget=total,
        consumed=consumed,
        committed=committed,
        remaining=total - consumed - simulated - committed,
        consumed_by_category=consumed_by,
        committed_by_category=committed_by,
        simulated=simulated,
        simulated_by_category=simulated_by,
    )


def reserve_budget(session: Session, data: BudgetCheckInput) -> BudgetFigures:
    """The figures of the case's project; when ``data.amount`` fits, it is committed to the
    case (replacing the case's earlier commitment of that category) and ``reserved`` is set.

    Commits. The project row is written first, so concurrent reservations of a project run
    one after the other (a row lock on PostgreSQL, the write lock on SQLite); the figures
    are read from the running totals, so the lock is held for a few indexed reads."""
    case = session.get(Case, data.case_id)
    if case is None:
        raise ApplicationError(f"case {data.case_id} has no record", type="CaseRecordMissing")
    # A column no foreign key refers to: on SQLite, rewriting the key (even unchanged) made
    # it check every row that refers to the project (its cases, costs...) with the lock held.
    session.execute(
        update(Project).where(col(Project.id) == case.project_id).values(title=Project.title)
        .execution_options(synchronize_session=False)  # the row is read just below
    )
    project = session.get(Project, case.project_id)
    assert project is not None
    figures = budget_figures(session, project, leave_out=(case.id, data.category))
    if not figures.allows(data.amount):
        session.rollback()
        return figures
    key = commitment_key(case.id, data.category)
    commitment = session.exec(select(BudgetCommitment).where(BudgetCommitment.key == key)).first()
    if commitment is None:
        commitment = BudgetCommitment(key=key, case_id=case.id, project_id=project.id,
                                      category=data.category, amount=data.amount)
    commitment.amount, commitment.project_id = data.amount, project.id
    commitment.updated_at = datetime.now(UTC)
    session.add(commitment)
    session.commit()
    log.info("budget reserved", category=data.category, amount=str(data.amount))
    return figures.model_copy(update={"reserved": True})


class CostActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="book_costs")
    def book_costs(self, data: BookCostsInput) -> BookCostsResult:
        """Book costs no external call causes (post-arrival help, reintegration lines)."""
        return BookCostsResult(booked=book_lines(self._engine, data.costs))

    @activity.defn(name="reserve_budget")
    def reserve_budget(self, data: BudgetCheckInput) -> BudgetFigures:
        """Commit ``amount`` of the case's project budget to the case if it fits; the figures
        either way (a retry finds the case's own commitment left out, so reserves again)."""
        with Session(self._engine) as session:
            return reserve_budget(session, data)
