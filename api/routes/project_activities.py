"""Project activities donors count: trainings, consultations, study visits, campaigns, studies."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from sqlmodel import col, select

from api.deps import SessionDep
from api.routes.projects import get_project_or_404
from core.db import saved
from models.enums import ActivityType
from models.projects import ProjectActivity
from models.schemas_projects import ActivityCreate, ActivityPublic, ActivityUpdate

router = APIRouter(prefix="/projects/{project_id}/activities", tags=["projects"])


@router.post("", response_model=ActivityPublic, status_code=status.HTTP_201_CREATED)
def add_activity(project_id: str, data: ActivityCreate, session: SessionDep) -> ProjectActivity:
    """Record an activity held under the project."""
    project = get_project_or_404(session, project_id)
    activity = ProjectActivity(project_id=project.id, **data.model_dump())
    return saved(session, activity)


@router.get("", response_model=list[ActivityPublic])
def list_activities(
    project_id: str,
    session: SessionDep,
    type: ActivityType | None = None,
    start: date | None = None,
    end: date | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[ProjectActivity]:
    """The project's activities by date, optionally of one type or between two dates."""
    project = get_project_or_404(session, project_id)
    query = select(ProjectActivity).where(ProjectActivity.project_id == project.id)
    if type is not None:
        query = query.where(ProjectActivity.type == type)
    if start is not None:
        query = query.where(col(ProjectActivity.held_on) >= start)
    if end is not None:
        query = query.where(col(ProjectActivity.held_on) <= end)
    query = query.order_by(col(ProjectActivity.held_on), col(ProjectActivity.id))
    return list(session.exec(query.offset(offset).limit(limit)).all())


@router.patch("/{activity_id}", response_model=ActivityPublic)
def update_activity(
    project_id: str,
    activity_id: Annotated[int, Path(ge=1, le=2**31 - 1)],  # an INTEGER column's range
    data: ActivityUpdate,
    session: SessionDep,
) -> ProjectActivity:
    """Correct an activity's type, title, date, participants or place."""
    activity = session.get(ProjectActivity, activity_id)
    if activity is None or activity.project_id != project_id:
        raise HTTPException(status_code=404, detail=f"activity {activity_id} not found")
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is None and field != "location":
            raise HTTPException(
                status_code=422,
                detail=[{"loc": ["body", field], "msg": "may not be null", "type": "value_error"}],
            )
        setattr(activity, field, value)
    return saved(session, activity)
