"""Activity context: case_id bound to logs, failures counted by external system, and cases
whose activity keeps failing marked in ``activity_retries`` (for the stuck list)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import structlog
from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from core.metrics import ACTIVITY_FAILURES
from models.tasks import ActivityRetry

log = structlog.get_logger(__name__)


def case_id_from_workflow_id(workflow_id: str | None) -> str | None:
    if workflow_id and workflow_id.startswith("case-"):
        return workflow_id.removeprefix("case-")
    return None


def external_system(fn: Any) -> str:
    """activities.embassy.EmbassyActivities.request -> 'embassy'."""
    module = getattr(fn, "__module__", "") or ""
    return module.rsplit(".", 1)[-1] or "unknown"


def will_retry(err: BaseException, info: activity.Info) -> bool:
    """Whether the server retries this failed attempt (a domain refusal is never retried)."""
    if isinstance(err, ApplicationError) and err.non_retryable:
        return False
    policy = info.retry_policy
    if policy is None:
        return True
    if isinstance(err, ApplicationError) and err.type in (policy.non_retryable_error_types or []):
        return False
    return not policy.maximum_attempts or info.attempt < policy.maximum_attempts


class RetryMarks:
    """Writes and clears ``activity_retries`` rows; never lets a database error fail the
    activity itself (the mark is a hint for the stuck list, not part of the work)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def mark(self, info: activity.Info, system: str, err: BaseException) -> None:
        case_id = case_id_from_workflow_id(info.workflow_id)
        if case_id is None:
            return
        key = (case_id, info.workflow_run_id or "", info.activity_id)
        error = str(err)[:1000] or type(err).__name__

        def upsert(session: Session) -> None:
            row = session.get(ActivityRetry, key)
            if row is None:  # the first failure: its time is when the case got stuck
                row = ActivityRetry(
                    case_id=key[0], run_id=key[1], activity_id=key[2],
                    activity_type=info.activity_type, system=system,
                    attempt=info.attempt, last_error=error,
                )
            row.attempt, row.last_error = info.attempt, error
            session.add(row)

        self._write(upsert)

    def clear(self, info: activity.Info) -> None:
        case_id = case_id_from_workflow_id(info.workflow_id)
        if case_id is None:
            return
        self._write(lambda s: s.exec(  # type: ignore[call-overload]
            delete(ActivityRetry)
            .where(ActivityRetry.case_id == case_id)  # type: ignore[arg-type]
            .where(ActivityRetry.run_id == (info.workflow_run_id or ""))  # type: ignore[arg-type]
            .where(ActivityRetry.activity_id == info.activity_id)  # type: ignore[arg-type]
        ))

    def _write(self, change: Any) -> None:
        try:
            with Session(self._engine) as session:
                change(session)
                session.commit()
        except Exception as err:  # noqa: BLE001 - see the class docstring
            log.warning("activity retry mark not written", error=str(err))


class _ActivityContext(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, marks: RetryMarks | None) -> None:
        super().__init__(next)
        self._marks = marks

    async def _note(self, activity_fn: Any, method: str, *args: Any) -> None:
        if self._marks is None:
            return
        write = getattr(self._marks, method)
        # Async activities run on the event loop: keep the database write off it.
        if inspect.iscoroutinefunction(activity_fn):
            await asyncio.to_thread(write, *args)
        else:
            write(*args)

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        with structlog.contextvars.bound_contextvars(
            case_id=case_id_from_workflow_id(info.workflow_id),
            activity=info.activity_type,
            attempt=info.attempt,
        ):
            try:
                result = await self.next.execute_activity(input)
            except Exception as err:
                system = external_system(input.fn)
                if will_retry(err, info):
                    await self._note(input.fn, "mark", info, system, err)
                elif info.attempt > 1:
                    await self._note(input.fn, "clear", info)
                activity.metric_meter().create_counter(
                    ACTIVITY_FAILURES, "Failed activity attempts by external system"
                ).add(1, {"system": system, "activity": info.activity_type})
                structlog.get_logger(__name__).warning(
                    "activity attempt failed", system=system, error=str(err)
                )
                raise
            if info.attempt > 1:
                await self._note(input.fn, "clear", info)
            return result


class ActivityContextInterceptor(Interceptor):
    def __init__(self, engine: Engine | None = None) -> None:
        self._marks = RetryMarks(engine) if engine is not None else None

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ActivityContext(next, self._marks)
