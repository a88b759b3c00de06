"""A case's timeline: stage changes, decisions, external calls, reminders and notes, in order."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import col, select

from api.deps import CaseDep, SessionDep
from models.schemas_timeline import TimelineEntryPublic, TimelinePublic
from models.timeline import TimelineEntry

router = APIRouter(prefix="/cases", tags=["timeline"])


@router.get("/{case_id}/timeline", response_model=TimelinePublic)
def case_timeline(case: CaseDep, session: SessionDep) -> TimelinePublic:
    """Everything that happened to the case, oldest first."""
    rows = session.exec(
        select(TimelineEntry)
        .where(TimelineEntry.case_id == case.id)
        .order_by(col(TimelineEntry.seq))
    ).all()
    return TimelinePublic(
        data=[TimelineEntryPublic.model_validate(r, from_attributes=True) for r in rows],
        count=len(rows),
    )
