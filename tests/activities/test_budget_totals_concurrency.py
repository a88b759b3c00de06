"""The budget's running totals give exactly the figures of the computation they replaced
(tests/activities/budget_oracle.py) when writers run at once and when one statement
writes several costs."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from activities.costs import book_cost, budget_figures, reserve_budget
from models.costs import Cost
from models.enums import CaseStatus, CostCategory, Fund
from models.funding import BudgetCheckInput
from models.tables import Case, Project
from tests.activities.budget_oracle import money, oracle
from tests.factories import insert_case


def test_concurrent_writers_of_one_case_keep_the_totals_right(engine: Engine) -> None:
    """On PostgreSQL writers run at once: costs booked, commitments replaced and cases closed
    or reopened for the same few cases by eight threads, each commitment crossing from partly
    to fully consumed, then the figures against the full computation."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    with Session(engine) as session:
        session.add(Project(id="p-c", fund=Fund.NATIONAL, code="p-c", title="p-c",
                            period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                            currency="EUR", total_budget=Decimal(0),
                            eu_share_percent=Decimal(0), national_share_percent=Decimal(100)))
        session.commit()
    cases = [insert_case(engine, project_id="p-c", reference=f"CC-{i}").id for i in range(3)]
    grant = CostCategory.CASH_GRANT

    def work(worker: int) -> None:
        rng = random.Random(worker)
        for step in range(25):
            case_id = rng.choice(cases)
            with Session(engine) as session:
                op = rng.choice(["book", "book", "book", "reserve", "close", "reopen"])
                if op == "book":
                    book_cost(session, key=f"w{worker}:{step}", case_id=case_id, category=grant,
                              amount=Decimal("30.00"), incurred_on=date(2026, 3, 1),
                              description="concurrent")
                elif op == "reserve":
                    reserve_budget(session, BudgetCheckInput(case_id=case_id, category=grant,
                                                             amount=money(rng, 20_000)))
                else:
                    status = CaseStatus.CLOSED if op == "close" else CaseStatus.ACTIVE
                    session.exec(update(Case).where(col(Case.id) == case_id)  # type: ignore[call-overload]
                                 .values(status=status))
                    session.commit()

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    with Session(engine) as session:
        project = session.get(Project, "p-c")
        assert project is not None
        assert budget_figures(session, project) == oracle(session, project)


def test_one_statement_booking_two_costs_past_a_commitment(engine: Engine) -> None:
    """PostgreSQL runs row triggers at the end of their statement, when every row of it is
    there: the costs triggers count a statement's rows together."""
    case = insert_case(engine, reference="TS-000001")
    grant = CostCategory.CASH_GRANT
    with Session(engine) as session:
        assert reserve_budget(session, BudgetCheckInput(
            case_id=case.id, category=grant, amount=Decimal("100.00"))).reserved
        session.exec(insert(Cost).values([  # type: ignore[call-overload]  # one statement
            {"key": f"two:{i}", "case_id": case.id, "project_id": case.project_id,
             "category": grant, "amount": Decimal("60.00"), "currency": "EUR",
             "incurred_on": date(2026, 3, 1), "description": "one of two"} for i in range(2)]))
        session.commit()
        project = session.get(Project, case.project_id)
        assert project is not None
        figures = budget_figures(session, project)
        assert figures == oracle(session, project)
        assert (figures.consumed, figures.committed) == (Decimal("120.00"), Decimal("0.00"))
