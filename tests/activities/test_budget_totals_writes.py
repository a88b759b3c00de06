"""The budget's running totals give exactly the figures of the computation they replaced
(tests/activities/budget_oracle.py), through random writes by every path that writes
costs, commitments and case statuses, and at the benchmark's scale."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from alembic import command
from sqlalchemy import delete, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from activities.costs import book_cost, budget_figures, reserve_budget
from bench.bench_reports import make_project
from bench.lists import project_directly
from bench.reports_data import fill_history
from core.migrate import alembic_config
from models.costs import BudgetCommitment, Cost
from models.enums import CaseStatus, CostCategory, Fund
from models.funding import BudgetCheckInput
from models.tables import Case, Project
from tests.activities.budget_oracle import CATEGORIES, PROJECTS, money, oracle
from tests.factories import insert_case


class Writer:
    """Random writes through every path that writes these tables in Homeward or its tests."""

    def __init__(self, engine: Engine, rng: random.Random) -> None:
        self.engine, self.rng, self.n = engine, rng, 0
        with Session(engine) as session:
            for pid, budget in zip(PROJECTS, ("2000000.00", "0.00"), strict=True):
                session.add(Project(id=pid, fund=Fund.NATIONAL, code=pid, title=pid,
                                    period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                                    currency="EUR", total_budget=Decimal(budget),
                                    eu_share_percent=Decimal(0),
                                    national_share_percent=Decimal(100)))
            session.commit()
        # References named here: the factory's random ones collide now and then.
        self.cases = [insert_case(engine, project_id=PROJECTS[i % 7 == 0],
                                  reference=f"BT-{i:06d}").id for i in range(120)]

    def pick(self) -> tuple[str, CostCategory]:
        # Mostly the two categories approvals commit, so costs meet commitments often.
        cats = [CostCategory.CASH_GRANT, CostCategory.REINTEGRATION]
        return self.rng.choice(self.cases), self.rng.choice(cats * 3 + CATEGORIES)

    def cost_row(self, case_id: str, category: CostCategory, session: Session
                 ) -> dict[str, object]:
        self.n += 1
        case = session.get(Case, case_id)
        assert case is not None
        return {"key": f"k{self.n}", "case_id": case_id, "project_id": case.project_id,
                "category": category, "amount": money(self.rng, 80_000), "currency": "EUR",
                "incurred_on": date(2026, 3, 1), "description": "test",
                "simulated": self.rng.random() < 0.3}  # a simulator's, now and then

    def step(self) -> None:
        rng, (case_id, category) = self.rng, self.pick()
        op = rng.choice(["book", "book", "bulk", "orm_cost", "reserve", "reserve", "commit",
                         "close", "close_orm", "reopen", "move", "delete_cost", "zero"])
        with Session(self.engine) as session:
            if op == "book":
                row = self.cost_row(case_id, category, session)
                book_cost(session, **{k: v for k, v in row.items()
                                      if k not in ("project_id", "currency")})
            elif op == "bulk":  # one Core insert, as bulk loaders do, two rows of one key
                rows = [self.cost_row(case_id, category, session) for _ in range(2)]
                rows += [self.cost_row(*self.pick(), session) for _ in range(rng.randint(0, 3))]
                session.exec(insert(Cost), params=rows)  # type: ignore[call-overload]
            elif op == "orm_cost":  # as the import adds costs
                session.add(Cost(**self.cost_row(case_id, category, session)))  # type: ignore[arg-type]
            elif op in ("reserve", "zero"):
                amount = Decimal("0.00") if op == "zero" else money(rng)
                reserve_budget(session, BudgetCheckInput(case_id=case_id, category=category,
                                                         amount=amount))
            elif op == "commit":  # a commitment written directly, to either project
                key = f"{case_id}:{category.value}"
                found = session.exec(select(BudgetCommitment)
                                     .where(BudgetCommitment.key == key)).first()
                found = found or BudgetCommitment(key=key, case_id=case_id, category=category,
                                                  project_id=PROJECTS[0], amount=Decimal(0))
                found.amount, found.project_id = money(rng), rng.choice(PROJECTS)
                session.add(found)
            elif op in ("close", "reopen"):  # as the projection writes a status (Core)
                status = CaseStatus.CLOSED if op == "close" else rng.choice(
                    [CaseStatus.ACTIVE, CaseStatus.SUSPENDED])
                session.exec(update(Case).where(col(Case.id) == case_id)  # type: ignore[call-overload]
                             .values(status=status))
            elif op == "close_orm":
                case = session.get(Case, case_id)
                assert case is not None
                case.status = CaseStatus.CLOSED
                session.add(case)
            elif op == "move":  # a follow-on project: later costs and reservations go there
                session.exec(update(Case).where(col(Case.id) == case_id)  # type: ignore[call-overload]
                             .values(project_id=rng.choice(PROJECTS)))
            elif op == "delete_cost":
                first = session.exec(select(Cost.id).where(Cost.case_id == case_id)).first()
                if first is not None:
                    session.exec(delete(Cost).where(col(Cost.id) == first))  # type: ignore[call-overload]
            session.commit()


def assert_figures_match(engine: Engine, rng: random.Random, cases: list[str]) -> None:
    with Session(engine) as session:
        for project in session.exec(select(Project)).all():
            assert budget_figures(session, project) == oracle(session, project), project.id
            for case_id in rng.sample(cases, 5):
                leave_out = (case_id, rng.choice(CATEGORIES[3:6]))
                assert budget_figures(session, project, leave_out) == oracle(
                    session, project, leave_out), (project.id, leave_out)


def test_running_totals_equal_the_full_computation_through_random_writes(
    engine: Engine,
) -> None:
    rng = random.Random(25)
    writer = Writer(engine, rng)
    for i in range(500):
        writer.step()
        if i % 100 == 99:
            assert_figures_match(engine, rng, writer.cases)
    with Session(engine) as session:
        figures = budget_figures(session, session.get(Project, PROJECTS[0]))  # type: ignore[arg-type]
        commitments = session.exec(select(BudgetCommitment, Cost.amount)  # type: ignore[call-overload]
                                   .join(Cost, (Cost.case_id == BudgetCommitment.case_id)
                                         & (Cost.category == BudgetCommitment.category))).all()
        released = session.exec(select(func.count()).select_from(BudgetCommitment)
                                .join(Case, col(Case.id) == col(BudgetCommitment.case_id))
                                .where(Case.status == CaseStatus.CLOSED)).one()
    # The run met what it must: costs, commitments partly and fully consumed, and released.
    assert figures.consumed > 0 and figures.committed > 0 and released > 0
    assert figures.simulated > 0 and figures.remaining == (
        figures.total_budget - figures.consumed - figures.simulated - figures.committed)
    assert any(a < c.amount for c, a in commitments) and any(a >= c.amount for c, a in commitments)
    # The totals' migration, run on what is there, fills them (down to its predecessor only:
    # on SQLite a downgrade that rebuilds `cases` under data fails on its foreign keys).
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0021")
        command.upgrade(cfg, "head")
    assert_figures_match(engine, rng, writer.cases)


def test_running_totals_equal_the_full_computation_at_scale(engine: Engine) -> None:
    """Thousands of cases with the benchmark's history (bulk inserts), then closures and
    reopenings as the projection writes them."""
    with Session(engine, expire_on_commit=False) as session:
        project = make_project(session)
    project_directly(engine, project.id, 2000)
    history = fill_history(engine, project.id)
    assert history.commitments > 2000 and history.costs > 4000
    opened = history.open_departed or []
    with Session(engine) as session:
        for i, case_id in enumerate(opened[:300]):
            session.exec(update(Case).where(col(Case.id) == case_id)  # type: ignore[call-overload]
                         .values(status=CaseStatus.CLOSED))
            if i % 3 == 0:
                session.exec(update(Case).where(col(Case.id) == case_id)  # type: ignore[call-overload]
                             .values(status=CaseStatus.SUSPENDED))
        session.commit()
        figures = budget_figures(session, project)
        assert figures == oracle(session, project)
        for case_id in opened[::500]:  # the oracle reads every commitment: a few
            leave_out = (case_id, CostCategory.REINTEGRATION)
            assert budget_figures(session, project, leave_out) == oracle(session, project,
                                                                         leave_out)
    assert figures.committed > 0 and figures.consumed > figures.committed
