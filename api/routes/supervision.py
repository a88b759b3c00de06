"""Supervision: the stuck list, and what a supervisor does about a stuck case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import delete
from sqlmodel import Session, col, select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import ResetActivityRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.deps import CaseDep, CurrentActor, SessionDep, SettingsDep, TemporalDep
from api.stuck import Filters, stuck_cases
from core.settings import Settings
from models.enums import Stage, StuckReason
from models.payloads import Actor
from models.schemas_queue import (
    RetryResult,
    StuckCasesPublic,
)
from models.tables import Case
from models.tasks import ActivityRetry
from workflows.return_case import workflow_id

router = APIRouter(tags=["supervision"])
log = structlog.get_logger(__name__)


@router.get("/supervision/stuck", response_model=StuckCasesPublic)
async def list_stuck(
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
    stage: Stage | None = None,
    reason: StuckReason | None = None,
    caseworker: Annotated[str | None, Query(max_length=100, description="Assignee id")] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    project_id: Annotated[str | None, Query(max_length=36)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> StuckCasesPublic:
    """Every stuck case with its reasons (age, severity), most severe first."""
    filters = Filters(stage=stage, reason=reason, assignee_id=caseworker,
                      country=country.upper() if country else None, project_id=project_id,
                      referral_outcome_days=settings.referral_outcome_days)
    page, count = await stuck_cases(session, client, datetime.now(UTC), filters, offset, limit)
    return StuckCasesPublic(data=page, count=count)


@router.post("/cases/{case_id}/external-call-retry", response_model=RetryResult)
async def retry_now(
    case: CaseDep, session: SessionDep, settings: SettingsDep, actor: CurrentActor,
    client: TemporalDep,
) -> RetryResult:
    """Retry a failing external call now instead of at its next backoff (ResetActivity)."""
    return await retry_failing_calls(case, session, settings, actor, client)


async def retry_failing_calls(
    case: Case, session: Session, settings: Settings, actor: Actor, client: Client
) -> RetryResult:
    """Reset each failing activity of the case (409 when none is failing); the API route and
    the supervisor's stuck-cases page both call this."""
    marks = session.exec(
        select(ActivityRetry).where(col(ActivityRetry.case_id) == case.id)
    ).all()
    session.close()
    if not marks:
        raise HTTPException(status_code=409, detail="no external call of this case is failing")
    retried = []
    for mark in marks:
        try:
            await client.workflow_service.reset_activity(ResetActivityRequest(
                namespace=settings.temporal_namespace,
                execution=WorkflowExecution(workflow_id=workflow_id(case.id), run_id=mark.run_id),
                id=mark.activity_id,
                identity=f"homeward:{actor.id}",
                # Attempts start again at 1 and the next one is scheduled now, not after
                # the backoff; a failure marks the case again (core/interceptors.py).
                reset_heartbeat=True,
            ))
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                continue  # finished meanwhile
            log.warning("reset activity failed", error=str(err))
            raise HTTPException(status_code=503, detail=f"Temporal refused: {err.message}") from err
        retried.append(mark.activity_type)
    if not retried:
        raise HTTPException(status_code=409, detail="the failing call finished meanwhile")
    # A success at attempt 1 clears nothing, so the marks go now; a new failure adds them back.
    with Session(session.get_bind()) as fresh:
        for mark in marks:
            fresh.exec(delete(ActivityRetry).where(  # type: ignore[call-overload]
                col(ActivityRetry.case_id) == mark.case_id,
                col(ActivityRetry.run_id) == mark.run_id,
                col(ActivityRetry.activity_id) == mark.activity_id,
            ))
        fresh.commit()
    log.info("external call retried now", activities=retried, by=actor.id)
    return RetryResult(retried=retried)
