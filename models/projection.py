"""What the case workflow writes to the database: timeline entries and the projection the
lists read (with the case's open tasks and deadlines).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from models.enums import (
    CaseStatus,
    ClosureReason,
    DeadlineKind,
    Role,
    Stage,
    TaskKind,
    TimelineKind,
)
from models.reintegration_facts import ReintegrationFacts


class TimelineEntryInput(BaseModel):
    """One timeline event as the workflow produced it; ``entry_key`` = case id + sequence."""

    entry_key: str
    seq: int
    at: datetime
    kind: TimelineKind
    actor_id: str | None = None
    actor_role: Role | None = None
    summary: str
    details: dict[str, str] = Field(default_factory=dict)


class RecordTimelineInput(BaseModel):
    case_id: str
    entries: list[TimelineEntryInput]


class TaskInfo(BaseModel):
    """A decision the case waits for: who may take it, since when, due when."""

    kind: TaskKind
    stage: Stage
    role: Role
    since: datetime
    due_at: datetime | None = None
    summary: str


class DeadlineInfo(BaseModel):
    """A business deadline: missed once ``due_at`` passes, at risk from ``at_risk_from``."""

    kind: DeadlineKind
    due_at: datetime
    at_risk_from: datetime | None = None
    detail: str


class ProjectCaseInput(BaseModel):
    case_id: str
    stage: Stage
    status: CaseStatus
    version: int
    updated_at: datetime
    closure_reason: ClosureReason | None = None
    departure_date: date | None = None
    grant_receipt_ref: str | None = None
    awaiting: str | None = None
    awaiting_caseworker: bool = False
    partner_id: str | None = None
    # Dates reports count by; None leaves what the record holds (e.g. an imported case's).
    arrival_date: date | None = None
    reintegration_date: date | None = None  # the first reintegration help delivered
    closed_date: date | None = None  # default for a closed case: the day of updated_at
    assignee_id: str | None = None
    tasks: list[TaskInfo] = Field(default_factory=list)
    deadlines: list[DeadlineInfo] = Field(default_factory=list)
    # Each member's vulnerability flags, only after a later finding changed them (None:
    # the database's flags stay as they are).
    household_vulnerabilities: dict[str, list[str]] | None = None
    # The plan's components and the scored visits, only when they changed since this run last
    # wrote them (None: the rows stay as they are).
    report_facts: ReintegrationFacts | None = None
    # Timeline entries written in the same transaction (record_and_project only).
    timeline: list[TimelineEntryInput] = Field(default_factory=list)


class ProjectCaseResult(BaseModel):
    applied: bool
