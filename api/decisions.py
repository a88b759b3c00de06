"""Sending a caseworker decision to a case's workflow and mapping refusals to HTTP errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from fastapi import HTTPException
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError, RPCStatusCode

from activities.exchange import report_decision
from api.consent import members_of
from api.document_requirements import require_documents
from core.settings import Settings
from models.consent import MinorHandover, Purpose, may_send
from models.documents import Document, DocumentKind, DocumentVersion
from models.enums import Role
from models.exchange import REPORTED_UPDATES
from models.payloads import Actor, CaseState
from models.users import User
from workflows.decision import Decision
from workflows.phases.arrival import RECORD_MINOR_HANDOVER
from workflows.phases.documents import ASSESS_DOCUMENTS
from workflows.phases.grant import RECORD_CASH_HANDOVER
from workflows.phases.supervision import ASSIGN
from workflows.phases.travel_desk import RECORD_DESK_BOOKING
from workflows.return_case import ReturnCaseWorkflow, workflow_id

log = structlog.get_logger(__name__)


class Refused(HTTPException):
    """A decision the workflow refused: a 409 with the English reason (``detail``), and its
    stable ``code`` and ``params`` (workflows/refusals.py) for clients and for the web
    interface, which shows it in the user's language."""

    def __init__(self, detail: str, code: str, params: dict[str, str]) -> None:
        super().__init__(status_code=409, detail=detail)
        self.code = code
        self.params = params


def _refusal_cause(err: WorkflowUpdateFailedError) -> Any:
    cause = err.cause
    while cause is not None and getattr(cause, "cause", None) is not None and not str(cause):
        cause = cause.cause
    return cause


def refusal_reason(err: WorkflowUpdateFailedError) -> str:
    cause = _refusal_cause(err)
    # The message alone: the type ("DecisionRefused") is for machines, not for the caseworker.
    return str(getattr(cause, "message", None) or cause or err)


def refusal_code(err: WorkflowUpdateFailedError) -> tuple[str, dict[str, str]]:
    """The refusal's code and parameters; ``decision_refused`` for one without a code yet."""
    details = getattr(_refusal_cause(err), "details", None) or ()
    first = details[0] if details else None
    if isinstance(first, dict) and isinstance(first.get("code"), str):
        return first["code"], {str(k): str(v) for k, v in (first.get("params") or {}).items()}
    return "decision_refused", {}


async def execute_update(handle: WorkflowHandle[Any, Any], update: Any, arg: Any,
                         update_id: str | None = None) -> Any:
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
            return await handle.execute_update(update, arg, id=update_id)
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


async def decide(client: Client, case_id: str, update: Any, arg: Any,
                 update_id: str | None = None) -> Any:
    """Run an update; the workflow's refusal becomes a 409 carrying its reason."""
    handle = client.get_workflow_handle(workflow_id(case_id))
    try:
        return await execute_update(handle, update, arg, update_id)
    except WorkflowUpdateFailedError as err:
        reason = refusal_reason(err)
        log.info("decision refused", update=getattr(update, "__name__", str(update)), reason=reason)
        code, params = refusal_code(err)
        raise Refused(reason, code, params) from err
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise HTTPException(
                status_code=409, detail="the case's workflow is not running"
            ) from err
        raise HTTPException(status_code=503, detail="Temporal is unreachable") from err


async def take(
    client: Client, engine: Engine, case_id: str, decision: Decision, actor: Actor,
    fields: dict[str, Any], *, update_id: str | None = None, settings: Settings | None = None,
) -> CaseState:
    """Take a declared decision on a case as ``actor``: the API route and the web form both
    come here, so a check that needs the database holds for both (and so does a report of
    another Homeward installation, api/exchange_inbox.py, given its message id as
    ``update_id``). Given the settings, a case received from another installation tells it
    what was decided (activities/exchange.report_decision)."""
    with Session(engine) as session:
        for precondition in (*EVERY_DECISION, *PRECONDITIONS.get(decision.update, ())):
            precondition(session, case_id, decision, fields)
    update = getattr(ReturnCaseWorkflow, decision.update)
    state: CaseState = await decide(
        client, case_id, update, decision.to_input(actor, fields), update_id)
    reported = REPORTED_UPDATES.get(decision.update)
    if settings is not None and reported is not None and decision.body is not None:
        body = decision.body.model_validate(fields).model_dump(mode="json")
        await report_decision(client, engine, settings, case_id, reported, body)
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
    current = session.exec(
        select(DocumentVersion).where(DocumentVersion.document_id == document.id,
                                      DocumentVersion.version == document.current_version)
    ).first()
    if current is not None and current.generated:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "receipt_document_id"], "type": "value_error",
            "msg": "this is the generated receipt, not yet signed: upload the signed scan as "
                   "its new version first",
        }])
    fields["receipt_payment_id"] = document.payment_id


# What a decision needs that only the database knows, checked before the workflow is asked:
# raises the HTTPException the caller gets (the web form shows it beside the form).
Precondition = Callable[[Session, str, Decision, dict[str, Any]], None]
# Checked for every decision: the documents the case's project requires first.
def _minor_handover_facts(
    session: Session, case_id: str, decision: Decision, fields: dict[str, Any]
) -> None:
    """The record must be this case's (api/minors.py writes it); the facts the workflow
    learns are read from it, never the names."""
    row = session.get(MinorHandover, fields["handover_id"])
    if row is None or row.case_id != case_id:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "handover_id"], "type": "value_error",
            "msg": "no handover record of this case: record the handover first "
                   "(POST /cases/{case_id}/minors/handover-records)"}])
    fields |= {"member_id": row.member_id, "handed_over_on": row.handed_over_on,
               "to_kind": row.to_kind.value, "identity_checked": row.identity_checked}


def _embassy_consent(
    session: Session, case_id: str, decision: Decision, fields: dict[str, Any]
) -> None:
    """The travellers who need a travel document are named to the embassy: a refused or
    withdrawn consent to share with it blocks the documents step here, before anything is
    asked (models/consent.py's rule; the household's consent covers the others)."""
    planned = fields["planned_departure"]
    needing = [m for m in members_of(session, case_id)
               if m.passport_valid_until is None or m.passport_valid_until <= planned]
    sharing = may_send(session, Purpose.EMBASSY, [m.id for m in needing], True)
    if sharing.withheld:
        names = ", ".join(f"{m.given_name} {m.family_name}" for m in needing
                          if m.id in sharing.withheld)
        raise HTTPException(status_code=409, detail=(
            f"the travel documents cannot be requested: {names} refused or withdrew consent "
            "to share their data with the embassy; record their consent again, or obtain "
            "the documents another way"))


EVERY_DECISION: tuple[Precondition, ...] = (require_documents,)
# Checked for one decision (by its update name).
PRECONDITIONS: dict[str, tuple[Precondition, ...]] = {
    ASSIGN.update: (_active_caseworker,),
    RECORD_DESK_BOOKING.update: (_eticket_of_the_case,),
    RECORD_CASH_HANDOVER.update: (_signed_receipt,),
    ASSESS_DOCUMENTS.update: (_embassy_consent,),
    RECORD_MINOR_HANDOVER.update: (_minor_handover_facts,),
}
