"""Sending a caseworker decision to a case's workflow and mapping refusals to HTTP errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError, RPCStatusCode

from api.document_requirements import require_documents
from api.report_facts import record_facts
from models.documents import Document, DocumentKind
from models.enums import Role
from models.payloads import Actor, CaseState
from models.users import User
from workflows.decision import Decision
from workflows.phases.grant import RECORD_CASH_HANDOVER
from workflows.phases.supervision import ASSIGN
from workflows.phases.travel_desk import RECORD_DESK_BOOKING
from workflows.return_case import ReturnCaseWorkflow, workflow_id

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


async def take(
    client: Client, engine: Engine, case_id: str, decision: Decision, actor: Actor,
    fields: dict[str, Any],
) -> CaseState:
    """Take a declared decision on a case as ``actor``: the API route and the web form both
    come here, so a check that needs the database holds for both."""
    with Session(engine) as session:
        for precondition in (*EVERY_DECISION, *PRECONDITIONS.get(decision.update, ())):
            precondition(session, case_id, decision, fields)
    update = getattr(ReturnCaseWorkflow, decision.update)
    state: CaseState = await decide(client, case_id, update, decision.to_input(actor, fields))
    # The plan and the visits, for reports (api/report_facts.py).
    await run_in_threadpool(record_facts, engine, decision.update, state)
    return state


def _active_caseworker(
    session: Session, case_id: str, decision: Decision, fields: dict[str, Any]
) -> None:
    user = session.get(User, fields["assignee_id"])
    if user is None or not user.is_active or user.role != Role.CASEWORKER:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "assignee_id"], "type": "value_error",
            "msg": f"{fields['assignee_id']} is not an active caseworker",
        }])


def _eticket_of_the_case(
    session: Session, case_id: str, decision: Decision, fields: dict[str, Any]
) -> None:
    document_id = fields.get("eticket_document_id")
    if document_id is None:
        return
    document = session.get(Document, document_id)
    if document is None or document.case_id != case_id or document.kind != DocumentKind.TICKET:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "eticket_document_id"], "type": "value_error",
            "msg": f"{document_id} is no ticket document of this case: upload the e-ticket "
                   "first (POST /travel-desk/cases/{case_id}/e-ticket)",
        }])


def _signed_receipt(
    session: Session, case_id: str, decision: Decision, fields: dict[str, Any]
) -> None:
    """The hand-over names its signed receipt: a payment receipt uploaded to this case and
    linked to a payment, which the workflow compares with the grant's (it alone knows it)."""
    document = session.get(Document, fields["receipt_document_id"])
    if (document is None or document.case_id != case_id or not document.payment_id
            or document.kind != DocumentKind.PAYMENT_RECEIPT):
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "receipt_document_id"], "type": "value_error",
            "msg": "not a payment receipt of this case: upload the signed receipt first "
                   "(kind payment_receipt, with the grant's payment_id)",
        }])
    fields["receipt_payment_id"] = document.payment_id


# What a decision needs that only the database knows, checked before the workflow is asked:
# raises the HTTPException the caller gets (the web form shows it beside the form).
Precondition = Callable[[Session, str, Decision, dict[str, Any]], None]
# Checked for every decision: the documents the case's project requires first.
EVERY_DECISION: tuple[Precondition, ...] = (require_documents,)
# Checked for one decision (by its update name).
PRECONDITIONS: dict[str, tuple[Precondition, ...]] = {
    ASSIGN.update: (_active_caseworker,),
    RECORD_DESK_BOOKING.update: (_eticket_of_the_case,),
    RECORD_CASH_HANDOVER.update: (_signed_receipt,),
}
