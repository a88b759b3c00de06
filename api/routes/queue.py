"""The work queue: open tasks from the projection (``case_tasks``), per assignee and role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import case as when
from sqlmodel import Session, col, func, select

from api.deps import CurrentActor, SessionDep
from api.need_to_know import hide
from api.paging import Page, PageDep
from core.db import read_snapshot
from models.enums import Role, Stage, TaskKind
from models.people import Actor
from models.schemas_queue import StageCount, TaskCounts, TaskPublic, TasksPublic
from models.tables import Case, utc
from models.tasks import CaseTask

router = APIRouter(prefix="/tasks", tags=["work queue"])

Assignee = Annotated[
    str | None,
    Query(max_length=100, description="'me', a user id, or 'none' for unassigned cases"),
]


@dataclass
class TaskFilters:
    """Which open tasks: ``?assignee=me&role=caseworker`` is a caseworker's own queue."""

    assignee: Assignee = None
    role: Role | None = None
    stage: Stage | None = None
    kind: TaskKind | None = None
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None
    project_id: Annotated[str | None, Query(max_length=36)] = None
    overdue: bool | None = None

    @property
    def on_cases(self) -> bool:
        """Whether a filter is on the task's case (its country or project), not the task."""
        return self.country is not None or self.project_id is not None


def _filtered(query: Any, actor: Actor, f: TaskFilters, now: datetime) -> Any:
    # Restricted cases the user may not see are not in any queue or count (need to know).
    query = hide(query, actor, CaseTask.case_id)
    # The task row carries its case's assignee (projected with it): no join needed.
    if f.assignee == "me":
        query = query.where(col(CaseTask.assignee_id) == actor.id)
    elif f.assignee == "none":
        query = query.where(col(CaseTask.assignee_id).is_(None))
    elif f.assignee is not None:
        query = query.where(col(CaseTask.assignee_id) == f.assignee)
    for column, value in (
        (CaseTask.role, f.role), (CaseTask.stage, f.stage), (CaseTask.kind, f.kind),
        (Case.country_of_origin, f.country), (Case.project_id, f.project_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if f.overdue is True:
        query = query.where(col(CaseTask.due_at) <= now)
    elif f.overdue is False:
        query = query.where(col(CaseTask.due_at).is_(None) | (col(CaseTask.due_at) > now))
    return query


def _list(session: Session, actor: Actor, f: TaskFilters, page: Page) -> TasksPublic:
    now = datetime.now(UTC)

    def filtered(query: Any, join: bool = True) -> Any:
        if join:
            query = query.join(Case, col(Case.id) == col(CaseTask.case_id))
        return _filtered(query, actor, f, now)

    # Soonest due first, then the oldest; tasks without an SLA after all the others. Read as
    # two ordered queries (with a due time, then without) rather than one sorted on
    # "due_at IS NULL", which no index serves: the first uses the due_at index and stops at
    # the page, the second runs only when the first does not fill it.
    wanted = page.offset + page.limit
    read_snapshot(session)  # the page and its count from one snapshot
    due = filtered(select(CaseTask, Case)).where(col(CaseTask.due_at).is_not(None)).order_by(
        col(CaseTask.due_at), col(CaseTask.since), col(CaseTask.case_id), col(CaseTask.kind)
    )
    rows = list(session.exec(due.limit(wanted)).all())
    if len(rows) < wanted:
        rest = filtered(select(CaseTask, Case)).where(col(CaseTask.due_at).is_(None)).order_by(
            col(CaseTask.since), col(CaseTask.case_id), col(CaseTask.kind)
        )
        rows += session.exec(rest.limit(wanted - len(rows))).all()
    rows = rows[page.offset:]
    # The count joins the cases only to filter on their country or project.
    count = session.exec(filtered(select(func.count()).select_from(CaseTask),
                                  join=f.on_cases)).one()
    data = [
        TaskPublic(
            case_id=c.id, reference=c.reference, kind=t.kind, stage=t.stage, role=t.role,
            since=utc(t.since), due_at=utc(t.due_at) if t.due_at else None,
            overdue=t.due_at is not None and utc(t.due_at) <= now, summary=t.summary,
            assignee_id=c.assignee_id, country_of_origin=c.country_of_origin,
            project_id=c.project_id,
        )
        for t, c in rows
    ]
    return TasksPublic(data=data, count=count)


@router.get("", response_model=TasksPublic)
def list_tasks(
    session: SessionDep,
    actor: CurrentActor,
    filters: Annotated[TaskFilters, Depends()],
    page: PageDep,
) -> TasksPublic:
    """Open tasks, soonest due first. `assignee=me&role=caseworker` is your queue."""
    return _list(session, actor, filters, page)


@router.get("/approvals", response_model=TasksPublic)
def approval_queue(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    stage: Stage | None = None,
    kind: TaskKind | None = None,
    overdue: bool | None = None,
) -> TasksPublic:
    """The supervisors' approval queue: every open task a supervisor must take."""
    filters = TaskFilters(role=Role.SUPERVISOR, stage=stage, kind=kind, overdue=overdue)
    return _list(session, actor, filters, page)


@router.get("/counts", response_model=TaskCounts)
def task_counts(
    session: SessionDep,
    actor: CurrentActor,
    assignee: Assignee = None,
    role: Role | None = None,
) -> TaskCounts:
    """Open and overdue tasks per stage."""
    now = datetime.now(UTC)
    overdue = func.sum(when((col(CaseTask.due_at) <= now, 1), else_=0))
    query = select(CaseTask.stage, func.count(), overdue)
    query = _filtered(query, actor, TaskFilters(assignee=assignee, role=role), now)
    rows = session.exec(query.group_by(CaseTask.stage)).all()
    order = list(Stage)
    data = sorted(
        (StageCount(stage=s, tasks=n, overdue=int(o or 0)) for s, n, o in rows),
        key=lambda c: order.index(c.stage),
    )
    return TaskCounts(data=data, total=sum(c.tasks for c in data))
