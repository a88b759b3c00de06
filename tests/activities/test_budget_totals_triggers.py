"""The budget's running totals: the triggers of migration 0022 exist at head and keep costs
append-only; migration 0024 marks the costs a simulator booked, and the totals it computes
again equal the computation they replaced (tests/activities/budget_oracle.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from activities.costs import book_cost, budget_figures
from core.migrate import alembic_config
from models.costs import Cost
from models.enums import CostCategory
from models.tables import Project
from tests.activities.budget_oracle import oracle
from tests.factories import insert_case

TRIGGERS = {"budget_cost_booked", "budget_cost_removed", "budget_cost_changed",
            "budget_commitment_added", "budget_commitment_changed",
            "budget_commitment_removed", "budget_case_closed_or_reopened"}


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
