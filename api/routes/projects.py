"""Projects: admins manage them; staff and auditors read them; supervisors move cases."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col
from temporalio.service import RPCError, RPCStatusCode

from api.deps import CaseDep, CurrentActor, SessionDep, TemporalDep, found
from api.document_requirements import check_requirement_names
from api.paging import PageDep
from api.project_service import ProjectRefused, check_open
from api.report_facts import follow_move
from api.targets import mirror_named_targets
from core.db import saved
from models.payloads import Actor
from models.projects import ProjectMove
from models.schemas_projects import (
    ProjectCreate,
    ProjectMoveIn,
    ProjectMovePublic,
    ProjectPublic,
    ProjectsPublic,
    ProjectUpdate,
)
from models.tables import Case, Project
from workflows.return_case import ReturnCaseWorkflow, workflow_id

router = APIRouter(prefix="/projects", tags=["projects"])
case_router = APIRouter(prefix="/cases", tags=["projects"])


def policy_json(data: ProjectCreate) -> dict[str, Any] | None:
    check_requirement_names(data.policy)
    return data.policy.model_dump(mode="json") if data.policy is not None else None


def get_project_or_404(session: SessionDep, project_id: str) -> Project:
    return found(session, Project, project_id, "project")


def _commit_project(session: SessionDep, project: Project) -> Project:
    session.add(project)
    try:
        session.flush()
        mirror_named_targets(session, project)  # the report's target table follows
        session.commit()
    except IntegrityError as err:
        session.rollback()
        raise HTTPException(
            status_code=409, detail=f"project code {project.code!r} is taken"
        ) from err
    session.refresh(project)
    return project


@router.post("", response_model=ProjectPublic, status_code=status.HTTP_201_CREATED)
def create_project(data: ProjectCreate, session: SessionDep) -> Project:
    """Create a project: fund, code, period, currency, budget, co-financing and targets."""
    project = Project(id=str(uuid.uuid4()), **data.model_dump(exclude={"policy"}))
    project.policy = policy_json(data)
    return _commit_project(session, project)


@router.get("", response_model=ProjectsPublic)
def list_projects(session: SessionDep, page: PageDep) -> ProjectsPublic:
    """List projects, latest period first."""
    rows, count = page.of_table(
        session, Project, col(Project.period_start).desc(), col(Project.code)
    )
    return ProjectsPublic(
        data=[ProjectPublic.model_validate(p, from_attributes=True) for p in rows], count=count
    )


@router.get("/{project_id}", response_model=ProjectPublic)
def read_project(project_id: str, session: SessionDep) -> Project:
    """One project."""
    return get_project_or_404(session, project_id)


@router.patch("/{project_id}", response_model=ProjectPublic)
def update_project(project_id: str, data: ProjectUpdate, session: SessionDep) -> Project:
    """Change a project; the changed project is validated as a whole (shares add up to 100)."""
    project = get_project_or_404(session, project_id)
    current = ProjectPublic.model_validate(project, from_attributes=True).model_dump(
        exclude={"id", "created_at"}
    )
    try:
        checked = ProjectCreate.model_validate(
            {**current, **data.model_dump(exclude_unset=True)}
        )
    except ValidationError as err:
        raise HTTPException(
            status_code=422,
            detail=[
                {"loc": ["body", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]}
                for e in err.errors(include_url=False, include_context=False)
            ],
        ) from err
    for field, value in checked.model_dump(exclude={"policy"}).items():
        setattr(project, field, value)
    project.policy = policy_json(checked)
    return _commit_project(session, project)


@case_router.post("/{case_id}/project", response_model=ProjectMovePublic)
async def move_case(
    case: CaseDep, data: ProjectMoveIn, session: SessionDep, actor: CurrentActor,
    client: TemporalDep,
) -> ProjectMove:
    """Move a case to a follow-on project, with the reason; the move is kept for reports."""
    move = await run_in_threadpool(_move, case, data, session, actor)
    try:
        # The workflow keeps its CaseProject search attribute in step (a closed case has none).
        await client.get_workflow_handle(workflow_id(case.id)).signal(
            ReturnCaseWorkflow.moved_to_project, move.to_project_id
        )
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise HTTPException(503, "moved, but Temporal is unreachable: the case's search "
                                     "attributes follow at its next change") from err
    return move


def _move(case: Case, data: ProjectMoveIn, session: Session, actor: Actor) -> ProjectMove:
    target = session.get(Project, data.project_id)
    if target is None:
        raise HTTPException(
            status_code=422,
            detail=[{"loc": ["body", "project_id"], "msg": f"project {data.project_id} does "
                     "not exist", "type": "value_error"}],
        )
    if target.id == case.project_id:
        raise HTTPException(status_code=409, detail=f"the case is already in project {target.code}")
    try:
        check_open(target, date.today())
    except ProjectRefused as err:
        raise HTTPException(
            status_code=422,
            detail=[{"loc": ["body", "project_id"], "msg": str(err), "type": "value_error"}],
        ) from err
    move = ProjectMove(
        case_id=case.id, from_project_id=case.project_id, to_project_id=target.id,
        reason=data.reason, moved_by=actor.id,
    )
    # Only the project changes: the projection's own columns (and updated_at) stay as they are.
    # The condition makes a concurrent move of the same case lose instead of both being kept.
    moved = session.exec(  # type: ignore[call-overload]
        update(Case)
        .where(col(Case.id) == case.id)
        .where(col(Case.project_id) == case.project_id)
        .values(project_id=target.id)
    )
    if moved.rowcount != 1:
        session.rollback()
        raise HTTPException(status_code=409, detail="the case was moved meanwhile; read it again")
    follow_move(session, case.id, target.id)  # its plan and visits count there from now
    return saved(session, move)
