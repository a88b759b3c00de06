"""The stuck list's rankings agree: those on the cases' first-due columns (used when every
reason counts, with or without a filter on the case) and the one grouping every task and
deadline row (used with a reason filter), on a random mix of cases, from the rows as the
projection writes them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from activities.projection import refresh_due_columns
from api.stuck import Filters, _ranked_in_tables, _ranking_for
from models.enums import DeadlineKind, Role, Stage, TaskKind
from models.tasks import CaseDeadline, CaseTask
from tests.factories import insert_case

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_both_rankings_give_the_same_cases_in_the_same_order(engine: Engine) -> None:
    rng = random.Random(7)

    def at() -> datetime:  # some past, some ahead; whole hours, so ties happen
        return NOW + timedelta(hours=rng.randint(-72, 72))

    cases = [insert_case(engine, country_of_origin=rng.choice(["GE", "UA"])) for _ in range(60)]
    with Session(engine) as session:
        for case in cases:
            for kind in rng.sample(list(TaskKind), rng.randint(0, 3)):
                session.add(CaseTask(
                    case_id=case.id, kind=kind, stage=Stage.CONSENT,
                    role=rng.choice([Role.CASEWORKER, Role.SUPERVISOR, Role.BORDER_GUARD]),
                    since=NOW - timedelta(days=5), summary=f"{kind}",
                    due_at=rng.choice([None, at()]),
                ))
            for _ in range(rng.randint(0, 2)):
                due = at()
                session.add(CaseDeadline(
                    case_id=case.id, kind=rng.choice(list(DeadlineKind)), due_at=due,
                    at_risk_from=rng.choice([None, due - timedelta(hours=rng.randint(1, 96))]),
                    detail="deadline",
                ))
        session.flush()
        refresh_due_columns(session)
        session.commit()

    with Session(engine) as session:
        everything = _ranked_in_tables(session, NOW, Filters(), [], None)
        assert everything[1] > 10  # the mix has stuck cases of every kind
        for f, leave_out, first in (
            (Filters(), [], None),
            (Filters(), [], 7),
            (Filters(country="UA"), [], 5),
            (Filters(), everything[0][:3], 10),
        ):
            assert _ranking_for(f)(session, NOW, f, leave_out, first) == (
                _ranked_in_tables(session, NOW, f, leave_out, first)
            ), (f, first)
