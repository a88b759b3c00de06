"""Need-to-know access to a case: who may see it, giving and removing access (supervisors),
marking it sensitive (supervisors), and breaking the glass (staff, with a reason)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response, status
from sqlmodel import Session

from api import case_access
from api.deps import CaseDep, CurrentActor, SessionDep, SettingsDep, found
from models.schemas_protection import CaseAccessPublic, GrantIn, ReasonIn
from models.tables import Case

router = APIRouter(prefix="/cases/{case_id}", tags=["need to know"])


@router.get("/access", response_model=CaseAccessPublic)
def read_access(case: CaseDep, session: SessionDep) -> CaseAccessPublic:
    """Whether the case is restricted, why, and who has been given access."""
    return case_access.access_view(session, case, datetime.now(UTC))


@router.post("/access/{user_id}", response_model=CaseAccessPublic,
             status_code=status.HTTP_201_CREATED)
def give_access(
    user_id: str, case: CaseDep, session: SessionDep, actor: CurrentActor,
    body: GrantIn | None = None,
) -> CaseAccessPublic:
    """Give a user access to the restricted case (supervisors)."""
    now = datetime.now(UTC)
    case_access.give(session, case, user_id, actor, body.reason if body else None, now)
    return case_access.access_view(session, case, now)


@router.delete("/access/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_access(user_id: str, case: CaseDep, session: SessionDep, actor: CurrentActor) -> Response:
    """Remove a user's access (given or taken by breaking the glass)."""
    case_access.remove(session, case, user_id, actor, datetime.now(UTC))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/sensitive", response_model=CaseAccessPublic)
def mark_sensitive(
    body: ReasonIn, case: CaseDep, session: SessionDep
) -> CaseAccessPublic:
    """Mark the case sensitive, with a reason: it becomes restricted (supervisors)."""
    marked = case_access.mark_sensitive(session, case, body.reason)
    return case_access.access_view(session, marked, datetime.now(UTC))


@router.delete("/sensitive", response_model=CaseAccessPublic)
def unmark_sensitive(case: CaseDep, session: SessionDep) -> CaseAccessPublic:
    """Take the sensitive mark off; a protected person in the household keeps it restricted."""
    marked = case_access.mark_sensitive(session, case, None)
    return case_access.access_view(session, marked, datetime.now(UTC))


def _any_case(session: Session, case_id: str) -> Case:
    # Not CaseDep: the point is to reach a case the user may not see yet.
    return found(session, Case, case_id, "case")


@router.post("/break-glass", response_model=CaseAccessPublic, status_code=201)
async def break_glass(
    case_id: str, body: ReasonIn, request: Request, session: SessionDep,
    settings: SettingsDep, actor: CurrentActor,
) -> CaseAccessPublic:
    """Open a restricted case in an emergency, with a reason: access for a few hours,
    recorded, and the supervisors are told (in the app and by e-mail)."""
    case = _any_case(session, case_id)
    now = datetime.now(UTC)
    await case_access.break_glass(session, settings, case, actor, body.reason, now)
    with Session(request.app.state.engine) as fresh:
        return case_access.access_view(fresh, case, now)
