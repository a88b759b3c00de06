"""Reasons from the projected tables: a human task past its SLA, a business deadline missed
or at risk (compared with ``now`` when read, so a case turns stuck with nothing happening in
its workflow)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from api.stuck.found import CASE_COLUMNS, Filters, Found, make_reason
from models.enums import Severity, StuckReason
from models.tables import Case, utc
from models.tasks import CaseDeadline, CaseTask
from workflows.tasks import HUMAN_ROLES


def _overdue_tasks(
    session: Session, now: datetime, f: Filters, found: Found, only: Collection[str]
) -> None:
    query = (
        select(col(CaseTask.kind), col(CaseTask.role), col(CaseTask.summary),
               col(CaseTask.since), col(CaseTask.due_at), *CASE_COLUMNS)
        .join(Case, col(Case.id) == col(CaseTask.case_id))
        .where(col(CaseTask.case_id).in_(list(only)))
    )
    # Due and role are checked here, not in SQL: given them, SQLite walked the role index
    # (every caseworker task) instead of the few cases' keys (17 ms at 100,000 cases).
    for task in session.exec(f.case_query(query)).all():
        if task.due_at is None or utc(task.due_at) > now or task.role not in HUMAN_ROLES:
            continue
        case = task
        found.add(case, make_reason(
            now, task.due_at, reason=StuckReason.TASK_OVERDUE, severity=Severity.HIGH,
            task_kind=task.kind,
            detail=f"{task.role} to {task.summary}: waiting since {utc(task.since):%Y-%m-%d %H:%M}, "
                   f"due {utc(task.due_at):%Y-%m-%d %H:%M}",
        ))


def _deadlines(
    session: Session, now: datetime, f: Filters, found: Found, only: Collection[str]
) -> None:
    query = (
        select(col(CaseDeadline.kind), col(CaseDeadline.due_at), col(CaseDeadline.at_risk_from),
               col(CaseDeadline.detail), *CASE_COLUMNS)
        .join(Case, col(Case.id) == col(CaseDeadline.case_id))
        .where((col(CaseDeadline.due_at) <= now) | (col(CaseDeadline.at_risk_from) <= now))
        .where(col(CaseDeadline.case_id).in_(list(only)))
    )
    for deadline in session.exec(f.case_query(query)).all():
        case = deadline
        if utc(deadline.due_at) <= now:
            if f.wants(StuckReason.DEADLINE_MISSED):
                found.add(case, make_reason(
                    now, deadline.due_at, reason=StuckReason.DEADLINE_MISSED,
                    severity=Severity.CRITICAL, deadline_kind=deadline.kind,
                    detail=f"missed: {deadline.detail}",
                ))
        elif f.wants(StuckReason.DEADLINE_AT_RISK):
            assert deadline.at_risk_from is not None
            found.add(case, make_reason(
                now, deadline.at_risk_from, reason=StuckReason.DEADLINE_AT_RISK,
                severity=Severity.MEDIUM, deadline_kind=deadline.kind,
                detail=f"at risk: {deadline.detail}",
            ))


def reasons_of(session: Session, now: datetime, f: Filters, found: Found,
                case_ids: Collection[str]) -> None:
    """Every reason the projected tables give for these cases, in full."""
    if not case_ids:
        return
    if f.wants(StuckReason.TASK_OVERDUE):
        _overdue_tasks(session, now, f, found, case_ids)
    if f.wants(StuckReason.DEADLINE_MISSED) or f.wants(StuckReason.DEADLINE_AT_RISK):
        _deadlines(session, now, f, found, case_ids)
