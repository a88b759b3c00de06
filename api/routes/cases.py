"""Cases: open, list, read, and the caseworker's decisions."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, status
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from api import case_list
from api.case_service import WorkflowNotStarted, open_case
from api.deps import CaseDep, CurrentActor, SessionDep, SettingsDep, TemporalDep
from api.live import LiveStateUnavailable, read_live_state
from api.paging import PageDep
from api.project_service import ProjectRefused
from models.enums import CaseStatus, ClosureReason, Stage
from models.people import Actor
from models.report_data import OutreachContact
from models.schemas import (
    CaseCreate,
    CaseDetail,
    CasePublic,
    CasesPublic,
    HouseholdMemberPublic,
)
from models.schemas_case import CaseView
from models.schemas_people import CaseOpened, EarlierCase
from models.tables import HouseholdMember

router = APIRouter(prefix="/cases", tags=["cases"])


@router.post(
    "",
    response_model=CaseOpened,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": CaseOpened, "description": "Same Idempotency-Key: existing case"}},
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
) -> CaseOpened:
    """Open a case and start its workflow; a repeated Idempotency-Key returns the same case.
    Earlier cases of the same people come with it."""
    if data.outreach_contact_id is not None and session.get(
            OutreachContact, data.outreach_contact_id) is None:
        raise HTTPException(status_code=422, detail=[{
            "loc": ["body", "outreach_contact_id"], "type": "value_error",
            "msg": f"no outreach contact {data.outreach_contact_id}"}])
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
    opened = CaseOpened.model_validate(case, from_attributes=True)
    opened.possible_earlier_cases = await run_in_threadpool(
        _earlier_cases, request.app.state.engine, case.id, actor
    )
    return opened


def _earlier_cases(engine: Engine, case_id: str, viewer: Actor) -> list[EarlierCase]:
    # open_case gave the request's connection back: a new one, through the list's query so
    # the cases shown are the cases the user may see.
    with Session(engine) as session:
        rows, _ = case_list.list_cases(
            session, case_list.CaseFilters(earlier_than=case_id, viewer=viewer), 0, 20
        )
    return [
        EarlierCase(case_id=c.id, reference=c.reference, stage=c.stage, status=c.status)
        for c in rows
    ]


@router.get("", response_model=CasesPublic)
def list_cases(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    stage: Stage | None = None,
    status: CaseStatus | None = None,
    closure_reason: ClosureReason | None = None,
    project_id: Annotated[str | None, Query(max_length=36)] = None,
    person: Annotated[str | None, Query(
        max_length=200,
        description=(
            "Someone in the household: a name in any spelling (Bērziņš, Berzins, Берзиньш), "
            "a date of birth (1980-02-01 or 01.02.1980), a passport number, or several of these"
        ),
    )] = None,
) -> CasesPublic:
    """List cases from the projection, newest first, optionally by stage, status, closure,
    project, person."""
    f = case_list.CaseFilters(
        stage=stage, status=status, closure_reason=closure_reason, project_id=project_id,
        person=person, viewer=actor,
    )
    rows, count = case_list.list_cases(session, f, page.offset, page.limit)
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
