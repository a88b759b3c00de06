"""Activity context: case_id bound to logs, failures counted by external system."""

from __future__ import annotations

from typing import Any

import structlog
from temporalio import activity
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
)

from core.metrics import ACTIVITY_FAILURES


def case_id_from_workflow_id(workflow_id: str | None) -> str | None:
    if workflow_id and workflow_id.startswith("case-"):
        return workflow_id.removeprefix("case-")
    return None


def external_system(fn: Any) -> str:
    """activities.embassy.EmbassyActivities.request -> 'embassy'."""
    module = getattr(fn, "__module__", "") or ""
    return module.rsplit(".", 1)[-1] or "unknown"


class _ActivityContext(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        with structlog.contextvars.bound_contextvars(
            case_id=case_id_from_workflow_id(info.workflow_id),
            activity=info.activity_type,
            attempt=info.attempt,
        ):
            try:
                return await self.next.execute_activity(input)
            except Exception as err:
                system = external_system(input.fn)
                activity.metric_meter().create_counter(
                    ACTIVITY_FAILURES, "Failed activity attempts by external system"
                ).add(1, {"system": system, "activity": info.activity_type})
                structlog.get_logger(__name__).warning(
                    "activity attempt failed", system=system, error=str(err)
                )
                raise


class ActivityContextInterceptor(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _ActivityContext(next)
