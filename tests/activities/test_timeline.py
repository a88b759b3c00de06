"""The timeline is written idempotently and the database refuses to change or delete it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select
from temporalio.testing import ActivityEnvironment

from activities.timeline import TimelineActivities
from models.enums import Role, TimelineKind
from models.payloads import RecordTimelineInput, TimelineEntryInput
from models.timeline import TimelineEntry

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def batch(*seqs: int) -> RecordTimelineInput:
    return RecordTimelineInput(
        case_id="c1",
        entries=[
            TimelineEntryInput(
                entry_key=f"c1:{n}", seq=n, at=AT, kind=TimelineKind.DECISION,
                actor_id="sup-mara", actor_role=Role.SUPERVISOR,
                summary=f"decision {n}", details={"reason": "meets the criteria"},
            )
            for n in seqs
        ],
    )


def test_a_repeated_batch_adds_nothing(engine: Engine) -> None:
    activities = TimelineActivities(engine)
    env = ActivityEnvironment()
    assert env.run(activities.record_timeline, batch(1, 2)) == 2
    assert env.run(activities.record_timeline, batch(1, 2)) == 0  # retried activity
    assert env.run(activities.record_timeline, batch(2, 3)) == 1  # overlapping replay
    with Session(engine) as session:
        entries = session.exec(select(TimelineEntry).order_by(col(TimelineEntry.seq))).all()
    assert [(e.seq, e.summary, e.actor_role) for e in entries] == [
        (1, "decision 1", "supervisor"), (2, "decision 2", "supervisor"),
        (3, "decision 3", "supervisor"),
    ]
    assert entries[0].at == AT and entries[0].details == {"reason": "meets the criteria"}


@pytest.mark.parametrize(
    "statement",
    ["UPDATE timeline_entries SET summary = 'rewritten'", "DELETE FROM timeline_entries"],
)
def test_entries_cannot_be_changed_or_deleted(engine: Engine, statement: str) -> None:
    ActivityEnvironment().run(TimelineActivities(engine).record_timeline, batch(1))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with Session(engine) as session:
        assert [e.summary for e in session.exec(select(TimelineEntry)).all()] == ["decision 1"]
