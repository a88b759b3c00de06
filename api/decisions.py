"""Sending a caseworker decision to a case's workflow and mapping refusals to HTTP errors."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import HTTPException
from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError, RPCStatusCode

from models.payloads import Actor, CaseState
from workflows.return_case import workflow_id

log = structlog.get_logger(__name__)


def refusal_reason(err: WorkflowUpdateFailedError) -> str:
    cause = err.cause
    while cause is not None and getattr(cause, "cause", None) is not None and not str(cause):
        cause = cause.cause
    # The message alone: the type ("DecisionRefused") is for machines, not for the caseworker.
    return str(getattr(cause, "message", None) or cause or err)


async def execute_update(handle: WorkflowHandle[Any, Any], update: Any, arg: Any) -> Any:
    """Run an update on the case's latest run, following it across a continue-as-new.

    A decision that reaches a run in the instant it continues as new is refused by the server
    as sent to a completed workflow, though the case goes on in its new run. If the case's
    workflow is running when asked right after, the decision was never taken and is sent again;
    otherwise the refusal stands (the case really is closed).
    """
    attempts_left = 3
    while True:
        attempts_left -= 1
        try:
            return await handle.execute_update(update, arg)
        except RPCError as err:
            if (err.status != RPCStatusCode.NOT_FOUND or not attempts_left
                    or not await _running(handle)):
                raise
            log.info("decision sent again to the case's new run", workflow_id=handle.id)


async def _running(handle: WorkflowHandle[Any, Any]) -> bool:
    try:
        return (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    except RPCError:
        return False


async def decide(client: Client, case_id: str, update: Any, arg: Any) -> Any:
    """Run an update; the workflow's refusal becomes a 409 carrying its reason."""
    handle = client.get_workflow_handle(workflow_id(case_id))
    try:
        return await execute_update(handle, update, arg)
    except WorkflowUpdateFailedError as err:
        reason = refusal_reason(err)
        log.info("decision refused", update=getattr(update, "__name__", str(update)), reason=reason)
        raise HTTPException(status_code=409, detail=reason) from err
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(
                status_code=409, detail="the case's workflow is not running"
            ) from err
        raise HTTPException(status_code=503, detail="Temporal is unreachable") from err


async def act(
    client: Any,
    case_id: str,
    update: Any,
    model: type[BaseModel],
    actor: Actor,
    body: BaseModel | None,
) -> CaseState:
    """Build the update's input from the body and the acting user, and run it."""
    fields = body.model_dump() if body is not None else {}
    return await decide(client, case_id, update, model(actor=actor, **fields))  # type: ignore[no-any-return]
