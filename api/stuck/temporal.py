"""Reasons only Temporal knows: an activity retrying (the interceptor's marks, confirmed by
the workflow's pending activities) and a workflow task failing (the server's reported
problems, confirmed by describe)."""

from __future__ import annotations

import asyncio
import time
import weakref
from datetime import datetime

import structlog
from sqlmodel import Session, col, delete, select
from temporalio.client import Client
from temporalio.service import RPCError

from api.stuck.found import Filters, Found, make_reason
from models.enums import Severity, StuckReason
from models.tables import Case, utc
from models.tasks import ActivityRetry
from workflows.return_case import workflow_id

log = structlog.get_logger(__name__)

DESCRIBE_CONCURRENCY = 16
PROBLEMS_QUERY = (
    'WorkflowType="ReturnCaseWorkflow" AND ExecutionStatus="Running" '
    "AND TemporalReportedProblems IS NOT NULL"
)


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


async def describe_all(client: Client, case_ids: list[str]) -> dict[str, object]:
    gate = asyncio.Semaphore(DESCRIBE_CONCURRENCY)

    async def one(case_id: str) -> tuple[str, object]:
        async with gate:
            try:
                return case_id, await client.get_workflow_handle(workflow_id(case_id)).describe()
            except RPCError as err:
                log.warning("describe failed", case_id=case_id, error=str(err))
                return case_id, None

    return dict(await asyncio.gather(*(one(c) for c in case_ids)))


def retrying(
    session: Session, now: datetime, marks: list[ActivityRetry], descriptions: dict[str, object],
    f: Filters, found: Found,
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
        found.add(case, make_reason(
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


async def problem_cases(client: Client) -> list[str]:
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


def failing(
    session: Session, now: datetime, descriptions: dict[str, object], f: Filters, found: Found
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
        found.add(case, make_reason(
            now, since, reason=StuckReason.WORKFLOW_FAILING, severity=Severity.CRITICAL,
            attempt=task.attempt,
            detail=f"workflow task failing, attempt {task.attempt}: the case cannot move on "
                   "until the worker's code or configuration is fixed",
        ))
