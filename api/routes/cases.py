"""Cases: open, list, read, and the caseworker's decisions."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from sqlmodel import col, select

from api import case_list
from api.case_service import WorkflowNotStarted, open_case
from api.deps import CaseDep, CurrentActor, SessionDep, SettingsDep, TemporalDep
from api.live import LiveStateUnavailable, read_live_state
from api.project_service import ProjectRefused
from models.enums import CaseStatus, ClosureReason, Stage
from models.schemas import (
    CaseCreate,
    CaseDetail,
    CasePublic,
    CasesPublic,
    HouseholdMemberPublic,
)
from models.schemas_case import CaseView
from models.tables import Case, HouseholdMember

router = APIRouter(prefix="/cases", tags=["cases"])


@router.post(
    "",
    response_model=CasePublic,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": CasePublic, "description": "Same Idempotency-Key: existing case"}},
)
async def create_case(
    data: CaseCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
    actor: CurrentActor,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Case:
    """Open a case and start its workflow; a repeated Idempotency-Key returns the same case."""
    try:
        case, created = await open_case(session, client, settings, data, actor, idempotency_key)
    except ProjectRefused as err:
        raise HTTPException(
            status_code=422,
            detail=[{"loc": ["body", "project_id"], "msg": str(err), "type": "value_error"}],
        ) from err
    except WorkflowNotStarted as err:
        request.state.audit_case_id = err.case.id
        raise HTTPException(
            status_code=503,
            detail=f"{err}; repeat the request with the same Idempotency-Key",
        ) from err
    structlog.contextvars.bind_contextvars(case_id=case.id)
    request.state.audit_case_id = case.id
    if not created:
        response.status_code = status.HTTP_200_OK
    return case


@router.get("", response_model=CasesPublic)
def list_cases(
    session: SessionDep,
    stage: Stage | None = None,
    status: CaseStatus | None = None,
    closure_reason: ClosureReason | None = None,
    project_id: Annotated[str | None, Query(max_length=36)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CasesPublic:
    """List cases from the projection, newest first, optionally by stage, status, closure,
    project."""
    f = case_list.CaseFilters(
        stage=stage, status=status, closure_reason=closure_reason, project_id=project_id
    )
    rows, count = case_list.list_cases(session, f, offset, limit)
    return CasesPublic(
        data=[CasePublic.model_validate(r, from_attributes=True) for r in rows], count=count
    )


@router.get("/{case_id}", response_model=CaseDetail)
async def read_case(case: CaseDep, client: TemporalDep) -> CaseDetail:
    """One case: the projection plus the workflow's live state."""
    detail = CaseDetail.model_validate(case, from_attributes=True)
    try:
        detail.live = CaseView.of(await read_live_state(client, case.id))
    except LiveStateUnavailable:
        pass  # the projection alone, with live empty (logged by the reader)
    return detail


@router.get("/{case_id}/household", response_model=list[HouseholdMemberPublic])
def read_household(case: CaseDep, session: SessionDep) -> list[HouseholdMember]:
    """The case's household with personal data, principal first; never sent to Temporal."""
    query = (
        select(HouseholdMember)
        .where(HouseholdMember.case_id == case.id)
        .order_by(col(HouseholdMember.position))
    )
    return list(session.exec(query).all())
