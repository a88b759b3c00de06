"""Tables of what happened to a case and what staff are told: the timeline and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import TimelineKind
from models.tables import enum_type, utcnow


class TimelineEntry(SQLModel, table=True):
    """One event of a case, written by the workflow through an activity. Append-only: database
    triggers refuse updates and deletes; ``entry_key`` (case id + per-case sequence) makes a
    repeated write a no-op. Summaries carry no personal data (the workflow has none)."""

    __tablename__ = "timeline_entries"
    # The dashboard's stage funnel, counted from the stage changes (api/web/funnel.py).
    __table_args__ = (sa.Index("ix_timeline_entries_kind_summary_case", "kind", "summary",
                               "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(max_length=36, index=True)
    seq: int
    entry_key: str = Field(max_length=80, unique=True)
    at: datetime = Field(description="Workflow time of the event")
    kind: TimelineKind = Field(sa_type=enum_type(TimelineKind))
    actor_id: str | None = Field(default=None, max_length=100)
    actor_role: str | None = Field(default=None, max_length=40)
    summary: str = Field(max_length=300)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class Notification(SQLModel, table=True):
    """An in-app notification: one row per recipient user of a reminder or escalation."""

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("reminder_key", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=36, index=True)
    case_id: str | None = Field(default=None, max_length=36)
    reminder_key: str = Field(max_length=80)
    subject: str = Field(max_length=300)
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
