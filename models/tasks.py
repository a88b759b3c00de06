"""Work-queue tables: each case's open tasks and business deadlines (replaced on every
projection of the case, see activities/projection.py) and activities that keep failing
(marked by the activity interceptor, core/interceptors.py). Lists read only these."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import DeadlineKind, Role, Stage, TaskKind
from models.tables import enum_type, utcnow


class CaseTask(SQLModel, table=True):
    """A decision a case waits for (workflows/tasks.py), as last projected."""

    __tablename__ = "case_tasks"
    # "My queue" (assignee, soonest due first) is the hottest list: served by one index.
    __table_args__ = (sa.Index("ix_case_tasks_assignee_due", "assignee_id", "due_at"),)

    case_id: str = Field(foreign_key="cases.id", primary_key=True, max_length=36)
    kind: TaskKind = Field(primary_key=True, sa_type=enum_type(TaskKind))
    stage: Stage = Field(sa_type=enum_type(Stage), index=True)
    role: Role = Field(sa_type=enum_type(Role), index=True)
    since: datetime = Field(sa_type=sa.DateTime(timezone=True))
    due_at: datetime | None = Field(default=None, index=True, sa_type=sa.DateTime(timezone=True))
    summary: str = Field(max_length=300)
    # The case's assignee, written with the tasks by the same projection (the case row's
    # assignee_id changes only there), so that a caseworker's queue needs no join to filter.
    assignee_id: str | None = Field(default=None, max_length=100)


class CaseDeadline(SQLModel, table=True):
    """A business deadline of a case (workflows/deadlines.py), as last projected."""

    __tablename__ = "case_deadlines"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    kind: DeadlineKind = Field(sa_type=enum_type(DeadlineKind))
    due_at: datetime = Field(index=True, sa_type=sa.DateTime(timezone=True))
    at_risk_from: datetime | None = Field(
        default=None, index=True, sa_type=sa.DateTime(timezone=True)
    )
    detail: str = Field(max_length=300)


class ActivityRetry(SQLModel, table=True):
    """An activity of a case whose last attempt failed and will be retried; removed when an
    attempt succeeds or fails for good. The stuck list describes only these cases."""

    __tablename__ = "activity_retries"

    case_id: str = Field(primary_key=True, max_length=36)
    run_id: str = Field(primary_key=True, max_length=64)
    activity_id: str = Field(primary_key=True, max_length=100)
    activity_type: str = Field(max_length=100)
    system: str = Field(max_length=50)
    attempt: int
    last_error: str = Field(max_length=1000)
    failed_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
