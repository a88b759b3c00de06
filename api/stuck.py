"""The supervisors' stuck list: every case that is stuck, with its reasons.

Fast with many cases because each reason starts from a narrow, indexed source:

- a human decision past its SLA, and business deadlines missed or at risk: the projected
  ``case_tasks`` / ``case_deadlines`` rows whose times have passed (compared with ``now`` at
  read time, so nothing has to happen in the workflow for a case to turn stuck); cases are
  ranked on the earliest of those times, which the projection keeps on the case row, and
  only the page's rows are read;
- an activity retrying: only cases the activity interceptor marked in ``activity_retries``
  are described, and the workflow's pending activities give attempt, last error and the
  next attempt (a mark whose activity is no longer pending is stale and dropped);
- the workflow failing: the server's ``TemporalReportedProblems`` search attribute (a
  visibility query), confirmed by describe's pending workflow task attempt.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import case as sql_case
from sqlalchemy import delete, literal, union_all
from sqlmodel import Session, col, func, select
from temporalio.client import Client
from temporalio.service import RPCError

from core.db import read_snapshot
from models.enums import Severity, Stage, StuckReason
from models.schemas_queue import StuckCasePublic, StuckReasonPublic
from models.tables import Case, utc
from models.tasks import ActivityRetry, CaseDeadline, CaseTask
from workflows.return_case import workflow_id
from workflows.tasks import HUMAN_ROLES

log = structlog.get_logger(__name__)

RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2}
DESCRIBE_CONCURRENCY = 16
PROBLEMS_QUERY = (
    'WorkflowType="ReturnCaseWorkflow" AND ExecutionStatus="Running" '
    "AND TemporalReportedProblems IS NOT NULL"
)


@dataclass
class Filters:
    stage: Stage | None = None
    reason: StuckReason | None = None
    assignee_id: str | None = None
    country: str | None = None
    project_id: str | None = None

    def wants(self, reason: StuckReason) -> bool:
        return self.reason is None or self.reason == reason

    def _on_case(self) -> list[tuple[Any, Any]]:
        """The filters on the case row itself, as (column, value)."""
        return [(column, value) for column, value in (
            (Case.stage, self.stage),
            (Case.assignee_id, self.assignee_id),
            (Case.country_of_origin, self.country),
            (Case.project_id, self.project_id),
        ) if value is not None]

    def on_case(self) -> bool:
        """Whether any filter is on the case itself (stage, assignee, country, project)."""
        return bool(self._on_case())

    def case_query(self, query):  # type: ignore[no-untyped-def]
        for column, value in self._on_case():
            query = query.where(column == value)
        return query

    def matches(self, case: Any) -> bool:
        return all(getattr(case, column.key) == value for column, value in self._on_case())


@dataclass
class _Found:
    """Reasons as plain dicts: with thousands of stuck cases only the page asked for is
    turned into response models (building them all cost more than the queries)."""

    cases: dict[str, Any] = field(default_factory=dict)
    reasons: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, case: Any, reason: dict[str, Any]) -> None:  # a Case or a row of its columns
        self.cases[case.id] = case
        self.reasons.setdefault(case.id, []).append(reason)


def _reason(now: datetime, since: datetime, **kw: object) -> dict[str, Any]:
    since = utc(since)
    return {"since": since, "age_hours": round((now - since).total_seconds() / 3600, 2), **kw}


# The case columns the list shows (plain rows: loading thousands of full Case objects
# would cost more than the queries).
CASE_COLUMNS = (
    col(Case.id), col(Case.reference), col(Case.stage), col(Case.assignee_id),
    col(Case.country_of_origin), col(Case.project_id),
)


def _overdue_tasks(
    session: Session, now: datetime, f: Filters, found: _Found, only: Collection[str]
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
        found.add(case, _reason(
            now, task.due_at, reason=StuckReason.TASK_OVERDUE, severity=Severity.HIGH,
            task_kind=task.kind,
            detail=f"{task.role} to {task.summary}: waiting since {utc(task.since):%Y-%m-%d %H:%M}, "
                   f"due {utc(task.due_at):%Y-%m-%d %H:%M}",
        ))


def _deadlines(
    session: Session, now: datetime, f: Filters, found: _Found, only: Collection[str]
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
                found.add(case, _reason(
                    now, deadline.due_at, reason=StuckReason.DEADLINE_MISSED,
                    severity=Severity.CRITICAL, deadline_kind=deadline.kind,
                    detail=f"missed: {deadline.detail}",
                ))
        elif f.wants(StuckReason.DEADLINE_AT_RISK):
            assert deadline.at_risk_from is not None
            found.add(case, _reason(
                now, deadline.at_risk_from, reason=StuckReason.DEADLINE_AT_RISK,
                severity=Severity.MEDIUM, deadline_kind=deadline.kind,
                detail=f"at risk: {deadline.detail}",
            ))


def _next_attempt(pending: object) -> datetime | None:
    """When the server retries next; servers without the field (the time-skipping one):
    the last attempt's end plus the current retry interval."""
    p = pending
    if p.HasField("next_attempt_schedule_time"):  # type: ignore[attr-defined]
        return utc(p.next_attempt_schedule_time.ToDatetime())  # type: ignore[attr-defined]
    if p.HasField("last_attempt_complete_time") and p.HasField("current_retry_interval"):  # type: ignore[attr-defined]
        return utc(p.last_attempt_complete_time.ToDatetime()) + (  # type: ignore[attr-defined]
            p.current_retry_interval.ToTimedelta()  # type: ignore[attr-defined]
        )
    if p.HasField("scheduled_time"):  # type: ignore[attr-defined]
        return utc(p.scheduled_time.ToDatetime())  # type: ignore[attr-defined]
    return None


async def _describe_all(client: Client, case_ids: list[str]) -> dict[str, object]:
    gate = asyncio.Semaphore(DESCRIBE_CONCURRENCY)

    async def one(case_id: str) -> tuple[str, object]:
        async with gate:
            try:
                return case_id, await client.get_workflow_handle(workflow_id(case_id)).describe()
            except RPCError as err:
                log.warning("describe failed", case_id=case_id, error=str(err))
                return case_id, None

    return dict(await asyncio.gather(*(one(c) for c in case_ids)))


def _retrying(
    session: Session, now: datetime, marks: list[ActivityRetry], descriptions: dict[str, object],
    f: Filters, found: _Found,
) -> None:
    cases = {c.id: c for c in session.exec(
        select(Case).where(col(Case.id).in_({m.case_id for m in marks}))
    ).all()}
    stale = []
    for mark in marks:
        desc = descriptions.get(mark.case_id)
        case = cases.get(mark.case_id)
        pending = None
        if desc is not None:
            raw = desc.raw_description  # type: ignore[attr-defined]
            if raw.workflow_execution_info.execution.run_id == mark.run_id:
                pending = next(
                    (p for p in raw.pending_activities if p.activity_id == mark.activity_id), None
                )
        if pending is None:
            stale.append(mark)
            continue
        if case is None or not f.matches(case):
            continue
        failure = pending.last_failure.message if pending.HasField("last_failure") else ""
        next_at = _next_attempt(pending)
        found.add(case, _reason(
            now, mark.failed_at, reason=StuckReason.ACTIVITY_RETRYING, severity=Severity.HIGH,
            system=mark.system, activity_type=mark.activity_type,
            attempt=max(pending.attempt, mark.attempt), last_error=failure or mark.last_error,
            next_attempt_at=next_at,
            detail=f"{mark.system}: {mark.activity_type} failing, attempt {pending.attempt}",
        ))
    for mark in stale:  # the activity finished, or its run ended, without clearing the mark
        session.exec(delete(ActivityRetry).where(  # type: ignore[call-overload]
            col(ActivityRetry.case_id) == mark.case_id,
            col(ActivityRetry.run_id) == mark.run_id,
            col(ActivityRetry.activity_id) == mark.activity_id,
        ))
    if stale:
        session.commit()


# Temporal's visibility answers PROBLEMS_QUERY by looking through the running workflows, which
# grows with the number of open cases (on the dev server ~170 ms at 75,000). A workflow task is
# reported as a problem only after failing again for several seconds, so an answer a few seconds
# old loses nothing a supervisor could act on, and the query is asked once per few seconds per
# API process, not on every look at the stuck list.
PROBLEMS_FRESH_FOR = 5.0  # seconds
_problems_seen: weakref.WeakKeyDictionary[Client, tuple[float, list[str]]] = (
    weakref.WeakKeyDictionary()
)


async def _problem_cases(client: Client) -> list[str]:
    seen = _problems_seen.get(client)
    if seen is not None and time.monotonic() - seen[0] < PROBLEMS_FRESH_FOR:
        return seen[1]
    asked_at = time.monotonic()
    try:
        found = [
            w.id.removeprefix("case-")
            async for w in client.list_workflows(PROBLEMS_QUERY, limit=1000)
        ]
    except RPCError as err:  # a server without visibility queries (the time-skipping one)
        log.info("reported problems not available", error=str(err))
        return []
    _problems_seen[client] = (asked_at, found)
    return found


def _failing(
    session: Session, now: datetime, descriptions: dict[str, object], f: Filters, found: _Found
) -> None:
    for case_id, desc in descriptions.items():
        if desc is None:
            continue
        raw = desc.raw_description  # type: ignore[attr-defined]
        task = raw.pending_workflow_task
        if not raw.HasField("pending_workflow_task") or task.attempt <= 1:
            continue
        case = session.get(Case, case_id)
        if case is None or not f.matches(case):
            continue
        since = utc(task.original_scheduled_time.ToDatetime()) if task.HasField(
            "original_scheduled_time") else now
        found.add(case, _reason(
            now, since, reason=StuckReason.WORKFLOW_FAILING, severity=Severity.CRITICAL,
            attempt=task.attempt,
            detail=f"workflow task failing, attempt {task.attempt}: the case cannot move on "
                   "until the worker's code or configuration is fixed",
        ))


def _reasons_of(session: Session, now: datetime, f: Filters, found: _Found,
                case_ids: Collection[str]) -> None:
    """Every reason the projected tables give for these cases, in full."""
    if not case_ids:
        return
    if f.wants(StuckReason.TASK_OVERDUE):
        _overdue_tasks(session, now, f, found, case_ids)
    if f.wants(StuckReason.DEADLINE_MISSED) or f.wants(StuckReason.DEADLINE_AT_RISK):
        _deadlines(session, now, f, found, case_ids)


def _ranked_in_tables(
    session: Session, now: datetime, f: Filters, leave_out: Collection[str], first: int | None
) -> tuple[list[str], int]:
    """The cases the projected tables make stuck, in list order, ranked by the database (no
    reason is built for a case the page does not show): the ids of the first ``first`` and
    how many there are; ``leave_out``: cases ranked elsewhere."""
    def reason(table: Any, severity: Severity, since: Any) -> Any:
        return select(col(table.case_id).label("case_id"),
                      literal(RANK[severity]).label("rank"), col(since).label("since"))

    parts = []
    if f.wants(StuckReason.TASK_OVERDUE):
        parts.append(reason(CaseTask, Severity.HIGH, CaseTask.due_at)
                     .where(col(CaseTask.due_at) <= now)
                     .where(col(CaseTask.role).in_(list(HUMAN_ROLES))))
    if f.wants(StuckReason.DEADLINE_MISSED):
        parts.append(reason(CaseDeadline, Severity.CRITICAL, CaseDeadline.due_at)
                     .where(col(CaseDeadline.due_at) <= now))
    if f.wants(StuckReason.DEADLINE_AT_RISK):
        parts.append(reason(CaseDeadline, Severity.MEDIUM, CaseDeadline.at_risk_from)
                     .where(col(CaseDeadline.due_at) > now)
                     .where(col(CaseDeadline.at_risk_from) <= now))
    if not parts:
        return [], 0
    reasons = union_all(*parts).subquery("reasons")
    # Each case's worst reason (most severe, then oldest): one ordered pass over the reasons.
    numbered = select(
        reasons.c.case_id, reasons.c.rank, reasons.c.since,
        func.row_number().over(partition_by=reasons.c.case_id,
                               order_by=(reasons.c.rank, reasons.c.since)).label("n"),
    ).subquery("numbered")
    query = select(numbered.c.case_id, func.count().over()).where(numbered.c.n == 1)
    if f.on_case():
        query = f.case_query(query.join(Case, col(Case.id) == numbered.c.case_id))
    if leave_out:
        query = query.where(numbered.c.case_id.not_in(list(leave_out)))
    # One execution that returns only the head the page can be made of, each row with the
    # number of all. Ties (same rank, same instant) go by case id.
    query = query.order_by(numbered.c.rank, numbered.c.since, numbered.c.case_id)
    if first is not None:
        query = query.limit(first)
    rows = session.exec(query).all()  # the head starts at the first case: empty means none
    return [r[0] for r in rows], (rows[0][1] if rows else 0)


# The case row's earliest deadline due, human task due and at-risk time (the projection's).
FIRST_DUE = (col(Case.first_deadline_due), col(Case.first_task_due), col(Case.first_risk_from))


def _ranked_on_case_columns(
    session: Session, now: datetime, f: Filters, leave_out: Collection[str], first: int | None
) -> tuple[list[str], int]:
    """What ``_ranked_in_tables`` gives when every reason counts, from the cases' own
    first_deadline_due / first_task_due / first_risk_from (kept with the rows they summarise):
    one indexed range per severity, counted, and read in order only as far as the page goes.

    A case's worst reason: a deadline missed (its earliest deadline is past), else a human
    task overdue, else a deadline at risk (no deadline is past, so any at-risk time passed
    is one of a deadline still ahead)."""
    deadline, task, risk = FIRST_DUE
    not_missed = deadline.is_(None) | (deadline > now)  # (a NULL never compares true)
    not_overdue = task.is_(None) | (task > now)
    ranks = (
        (deadline <= now, deadline),
        ((task <= now) & not_missed, task),
        ((risk <= now) & not_missed & not_overdue, risk),
    )
    ids: list[str] = []
    total = 0
    for condition, since in ranks:
        query = select(col(Case.id)).where(condition)
        if leave_out:
            query = query.where(col(Case.id).not_in(list(leave_out)))
        total += session.exec(select(func.count()).select_from(query.subquery())).one()
        if first is None or len(ids) < first:
            ordered = query.order_by(since, col(Case.id))
            if first is not None:
                ordered = ordered.limit(first - len(ids))
            ids += session.exec(ordered).all()
    return ids, total


def _ranked_in_one_pass(
    session: Session, now: datetime, f: Filters, leave_out: Collection[str], first: int | None
) -> tuple[list[str], int]:
    """The same ranking for a list filtered on the case (country, stage, ...): the filter's
    index gives the candidates, so one pass over them ranks and counts (per severity, each
    range would be read once more with the filter checked row by row)."""
    deadline, task, risk = FIRST_DUE
    rank = sql_case((deadline <= now, 0), (task <= now, 1), else_=2)
    since = sql_case((deadline <= now, deadline), (task <= now, task), else_=risk)
    query = f.case_query(
        select(col(Case.id), func.count().over())
        .where((deadline <= now) | (task <= now) | (risk <= now))
    )
    if leave_out:
        query = query.where(col(Case.id).not_in(list(leave_out)))
    query = query.order_by(rank, since, col(Case.id))
    if first is not None:
        query = query.limit(first)
    rows = session.exec(query).all()  # from the first case on: empty means none
    return [r[0] for r in rows], (rows[0][1] if rows else 0)


def _ranking_for(f: Filters) -> Callable[..., tuple[list[str], int]]:
    """Only some reasons count: rank on the rows themselves; else on the case row's times,
    in one pass over the cases a case filter picks, or by severity range without one."""
    if f.reason is not None:
        return _ranked_in_tables
    return _ranked_in_one_pass if f.on_case() else _ranked_on_case_columns


def _page(found: _Found, offset: int, limit: int | None) -> list[StuckCasePublic]:
    """Most severe first, then oldest reason first, then case id; only the page becomes
    response models."""
    ranked = []
    for case_id, reasons in found.reasons.items():
        reasons.sort(key=lambda r: (RANK[r["severity"]], r["since"]))
        ranked.append((RANK[reasons[0]["severity"]], reasons[0]["since"], case_id))
    ranked.sort()
    end = None if limit is None else offset + limit
    out = []
    for *_, case_id in ranked[offset:end]:
        case, reasons = found.cases[case_id], found.reasons[case_id]
        out.append(StuckCasePublic(
            case_id=case.id, reference=case.reference, stage=case.stage,
            assignee_id=case.assignee_id, country_of_origin=case.country_of_origin,
            project_id=case.project_id, severity=reasons[0]["severity"],
            reasons=[StuckReasonPublic(**r) for r in reasons],
        ))
    return out


async def stuck_cases(
    session: Session, client: Client, now: datetime, f: Filters,
    offset: int = 0, limit: int | None = None,
) -> tuple[list[StuckCasePublic], int]:
    """The stuck cases matching ``f`` (most severe first, then oldest reason first) from
    ``offset``, at most ``limit`` of them, and how many there are in all.

    The few cases Temporal reports on (an activity retrying, a workflow failing) are built
    in full here; the rest are ranked and counted by the database, and only the page's are
    read in full."""
    now = now.astimezone(UTC)
    marks: list[ActivityRetry] = []
    if f.wants(StuckReason.ACTIVITY_RETRYING) or f.wants(StuckReason.WORKFLOW_FAILING):
        marks = await asyncio.to_thread(
            lambda: list(session.exec(select(ActivityRetry)).all())
        )
    session.close()  # hold no pooled connection while awaiting Temporal
    candidates = {m.case_id for m in marks}
    if f.wants(StuckReason.WORKFLOW_FAILING):
        candidates |= set(await _problem_cases(client))
    descriptions = await _describe_all(client, sorted(candidates))

    def from_database() -> tuple[list[StuckCasePublic], int]:
        read_snapshot(session)  # the page and the count from one snapshot
        live = _Found()  # cases with a reason only Temporal knows, and their other reasons
        if descriptions:
            if f.wants(StuckReason.ACTIVITY_RETRYING) and marks:
                _retrying(session, now, marks, descriptions, f, live)
            if f.wants(StuckReason.WORKFLOW_FAILING):
                _failing(session, now, descriptions, f, live)
            _reasons_of(session, now, f, live, list(live.cases))
        end = None if limit is None else offset + limit
        head, count = _ranking_for(f)(session, now, f, live.cases.keys(), end)
        count += len(live.cases)
        # The page is among the head of the database's order and Temporal's cases: read
        # those in full (into the same collection) and order them together.
        _reasons_of(session, now, f, live, head)
        session.close()
        return _page(live, offset, limit), count

    return await asyncio.to_thread(from_database)
