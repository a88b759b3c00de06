"""The stuck list's rankings agree: those on the cases' first-due columns (used when every
reason counts, with or without a filter on the case) and the one grouping every task and
deadline row (used with a reason filter), on a random mix of cases, from the rows as the
projection writes them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from activities.projection import refresh_due_columns
from api.stuck import Filters
from api.stuck.ranking import ranked_in_tables, ranking_for
from api.stuck.temporal import PROBLEMS_FRESH_FOR, PROBLEMS_QUERY, problem_cases
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
        everything = ranked_in_tables(session, NOW, Filters(), [], None)
        assert everything[1] > 10  # the mix has stuck cases of every kind
        for f, leave_out, first in (
            (Filters(), [], None),
            (Filters(), [], 7),
            (Filters(country="UA"), [], 5),
            (Filters(), everything[0][:3], 10),
        ):
            assert ranking_for(f)(session, NOW, f, leave_out, first) == (
                ranked_in_tables(session, NOW, f, leave_out, first)
            ), (f, first)


class Visibility:
    """A Temporal client whose visibility reports the failing workflows in `failing`."""

    def __init__(self) -> None:
        self.failing: list[str] = []
        self.asked = 0

    async def list_workflows(self, query: str, limit: int) -> Any:
        assert query == PROBLEMS_QUERY
        self.asked += 1
        for case_id in self.failing:
            yield SimpleNamespace(id=f"case-{case_id}")


async def test_failing_workflows_are_asked_of_temporal_once_per_few_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [1000.0]
    monkeypatch.setattr("api.stuck.temporal.time.monotonic", lambda: clock[0])
    temporal = Visibility()
    temporal.failing = ["a"]
    assert await problem_cases(temporal) == ["a"]  # type: ignore[arg-type]
    temporal.failing = ["a", "b"]
    clock[0] += PROBLEMS_FRESH_FOR - 1  # supervisors looking again and again: one query
    assert await problem_cases(temporal) == ["a"]  # type: ignore[arg-type]
    assert temporal.asked == 1
    clock[0] += 1  # a few seconds on, the new failure shows
    assert await problem_cases(temporal) == ["a", "b"]  # type: ignore[arg-type]
    assert temporal.asked == 2
    # Another API process (another client) asks for itself.
    other = Visibility()
    assert await problem_cases(other) == []  # type: ignore[arg-type]
    assert other.asked == 1
