"""Sending a caseworker decision to a case's workflow and mapping refusals to HTTP errors."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import HTTPException
from pydantic import BaseModel
from temporalio.client import Client, WorkflowUpdateFailedError
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


async def decide(client: Client, case_id: str, update: Any, arg: Any) -> Any:
    """Run an update; the workflow's refusal becomes a 409 carrying its reason."""
    handle = client.get_workflow_handle(workflow_id(case_id))
    try:
        return await handle.execute_update(update, arg)
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
