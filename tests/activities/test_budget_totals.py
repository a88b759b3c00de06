"""The budget's running totals give exactly the figures of the computation they replaced
(kept here as the oracle), whoever writes the costs, commitments and case statuses."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import delete, insert, inspect, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from activities.costs import CENT, book_cost, budget_figures, reserve_budget
from bench.bench_reports import make_project
from bench.lists import project_directly
from bench.reports_data import fill_history
from core.migrate import alembic_config
from models.costs import BudgetCommitment, Cost
from models.enums import CaseStatus, CostCategory, Fund
from models.funding import BudgetCheckInput, BudgetFigures
from models.tables import Case, Project
from tests.factories import insert_case

PROJECTS = ("p-a", "p-b")
CATEGORIES = list(CostCategory)
TRIGGERS = {"budget_cost_booked", "budget_cost_removed", "budget_cost_changed",
            "budget_commitment_added", "budget_commitment_changed",
            "budget_commitment_removed", "budget_case_closed_or_reopened"}


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


def test_the_triggers_exist_and_a_cost_cannot_be_changed(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            names = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        else:
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        assert TRIGGERS <= {n for (n,) in names}
    assert "budget_totals" in inspect(engine).get_table_names()
    case = insert_case(engine)
    with Session(engine) as session:
        cost, _ = book_cost(session, key="k", case_id=case.id, category=CostCategory.TICKET,
                            amount=Decimal("10.00"), incurred_on=date(2026, 1, 1),
                            description="ticket")
        cost.description = "ticket, corrected wording"  # what the figures do not read
        session.add(cost)
        session.commit()
        for change in ({"amount": Decimal("11.00")}, {"simulated": True}):
            session.rollback()
            for name, value in change.items():
                setattr(cost, name, value)
            session.add(cost)
            with pytest.raises(DBAPIError, match="append-only"):
                session.commit()


def test_costs_a_simulator_booked_before_the_mark_are_marked_by_the_migration(
    engine: Engine,
) -> None:
    """Migration 0024 marks the costs whose description only a simulator writes, and the
    totals it computes again keep them out of the consumed."""
    case = insert_case(engine, reference="SM-000001")
    cfg = alembic_config()
    descriptions = {  # description -> marked simulated
        "cash grant, receipt RCPT-00001-1A2B": True,
        "tickets for 2 traveller(s), booking BK-00001-FFFF, departure 2026-03-01": True,
        "escort for booking BK-00001-FFFF": True,
        "travel document fee for 2 person(s), request ETD-GE-00001-0000": True,
        "tickets for 2 traveller(s), booking X7Q2, departure 2026-03-01 (travel desk)": False,
        "travel document fee for 2 person(s), request R-1 (charged by the embassy)": False,
        "cash grant handed over, receipt document d-1": False,
        "imported: ticket": False,
    }
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0022")
        for i, description in enumerate(descriptions):
            conn.execute(text(
                "INSERT INTO costs (key, case_id, project_id, category, amount, currency,"
                " incurred_on, description, created_at) VALUES (:k, :c, :p, 'ticket', 10.5,"
                " 'EUR', '2026-03-01', :d, '2026-03-01 10:00:00')"),
                {"k": f"m{i}", "c": case.id, "p": case.project_id, "d": description})
        command.upgrade(cfg, "head")
    with Session(engine) as session:
        marked = dict(session.exec(select(Cost.description, Cost.simulated)).all())  # type: ignore[call-overload]
        assert marked == descriptions
        project = session.get(Project, case.project_id)
        assert project is not None
        figures = budget_figures(session, project)
        assert figures == oracle(session, project)
        assert (figures.consumed, figures.simulated) == (Decimal("42.00"), Decimal("42.00"))


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
