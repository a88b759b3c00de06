"""Writes the workflow's timeline entries into the append-only ``timeline_entries`` table."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel
from temporalio import activity

from models.payloads import RecordTimelineInput, TimelineEntryInput
from models.timeline import TimelineEntry

log = structlog.get_logger(__name__)


def insert_ignoring_duplicates(
    bind: Engine | Connection, model: type[SQLModel], rows: list[dict[str, Any]], key: list[str]
) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on ``key``: a repeated write adds nothing.
    Returns how many rows were new. Given an engine it commits; given a connection, the
    insert is part of the caller's transaction."""
    if not rows:
        return 0
    table = model.__table__  # type: ignore[attr-defined]
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=key)
        .returning(table.c.id)
    )
    if isinstance(bind, Connection):
        return len(bind.execute(stmt).all())
    with bind.begin() as conn:
        return len(conn.execute(stmt).all())


def timeline_rows(case_id: str, entries: list[TimelineEntryInput]) -> list[dict[str, Any]]:
    return [{"case_id": case_id, **e.model_dump(mode="python")} for e in entries]


class TimelineActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="record_timeline")
    def record_timeline(self, data: RecordTimelineInput) -> int:
        """Append a batch of entries; a retried activity or a replay never duplicates one."""
        rows = timeline_rows(data.case_id, data.entries)
        added = insert_ignoring_duplicates(
            self._engine, TimelineEntry, rows, ["entry_key"]
        )
        log.info("timeline recorded", entries=len(rows), added=added)
        return added
