"""A case's timeline: stage changes, decisions, external calls, reminders and notes, in order."""

from __future__ import annotations

from fastapi import APIRouter

from api.case_timeline import read_timeline
from api.deps import CaseDep, SessionDep
from models.schemas_timeline import TimelinePublic

router = APIRouter(prefix="/cases", tags=["timeline"])


@router.get("/{case_id}/timeline", response_model=TimelinePublic)
def case_timeline(case: CaseDep, session: SessionDep) -> TimelinePublic:
    """Everything that happened to the case, oldest first, naming who acted."""
    entries = read_timeline(session, case.id)
    return TimelinePublic(data=entries, count=len(entries))
