"""API schemas of the work queue and the supervisors' stuck list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from models.enums import (
    DeadlineKind,
    Role,
    Severity,
    Stage,
    StuckReason,
    TaskKind,
)

Text = Annotated[str, Field(min_length=1, max_length=2000)]


class TaskPublic(BaseModel):
    case_id: str
    reference: str
    kind: TaskKind
    stage: Stage
    role: Role
    since: datetime
    due_at: datetime | None
    overdue: bool
    summary: str
    assignee_id: str | None
    country_of_origin: str
    project_id: str


class TasksPublic(BaseModel):
    data: list[TaskPublic]
    count: int


class StageCount(BaseModel):
    stage: Stage
    tasks: int
    overdue: int


class TaskCounts(BaseModel):
    data: list[StageCount]
    total: int


class StuckReasonPublic(BaseModel):
    reason: StuckReason
    severity: Severity
    since: datetime
    age_hours: float
    detail: str
    task_kind: TaskKind | None = None
    deadline_kind: DeadlineKind | None = None
    # An activity retrying: the external system, attempts so far, last error, next attempt.
    system: str | None = None
    activity_type: str | None = None
    attempt: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None


class StuckCasePublic(BaseModel):
    case_id: str
    reference: str
    stage: Stage
    assignee_id: str | None
    country_of_origin: str
    project_id: str
    severity: Severity
    reasons: list[StuckReasonPublic]


class StuckCasesPublic(BaseModel):
    data: list[StuckCasePublic]
    count: int


class AssignmentIn(BaseModel):
    assignee_id: str = Field(min_length=1, max_length=100, description="A caseworker's user id")
    reason: Text


class ReminderIn(BaseModel):
    message: Text


class RetryResult(BaseModel):
    retried: list[str] = Field(description="Activity types asked to retry now")
