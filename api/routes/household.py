"""A case's people after intake: correct a person (with the history of each change), a member
joining or leaving before departure. The database holds the personal data; the case's
workflow gets the facts it decides on (api/household_service.py says in which order)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, status

from api import household_service as service
from api.deps import CaseDep, CurrentActor, SessionDep, TemporalDep
from models.schemas import HouseholdMemberPublic
from models.schemas_changes import (
    MemberJoining,
    MemberLeaving,
    PersonChangePublic,
    PersonChangesPublic,
    PersonCorrection,
)
from models.tables import HouseholdMember

router = APIRouter(prefix="/cases/{case_id}/people", tags=["household"])


@router.post("", response_model=HouseholdMemberPublic, status_code=status.HTTP_201_CREATED)
async def add_member(
    request: Request, data: MemberJoining, case: CaseDep, actor: CurrentActor,
    client: TemporalDep,
    idempotency_key: Annotated[str, Header(min_length=1, max_length=200)],
) -> HouseholdMember:
    """A person joins the household before departure; the same Idempotency-Key adds no one
    twice (send the request again if it failed)."""
    return await service.add_member(
        request.app.state.engine, client, case, data, actor, idempotency_key)


@router.patch("/{member_id}", response_model=HouseholdMemberPublic)
async def correct_person(
    request: Request, member_id: str, data: PersonCorrection, case: CaseDep,
    actor: CurrentActor, client: TemporalDep,
) -> HouseholdMember:
    """Correct a person's data with a reason; each old value is kept in the history."""
    return await service.correct_person(
        request.app.state.engine, client, case, member_id, data, actor)


@router.post("/{member_id}/removal", response_model=HouseholdMemberPublic)
async def remove_member(
    request: Request, member_id: str, data: MemberLeaving, case: CaseDep,
    actor: CurrentActor, client: TemporalDep,
) -> HouseholdMember:
    """A person leaves the household before departure (kept, marked removed)."""
    return await service.remove_member(
        request.app.state.engine, client, case, member_id, data.reason, actor)


@router.get("/{member_id}/changes", response_model=PersonChangesPublic)
def read_changes(member_id: str, case: CaseDep, session: SessionDep) -> PersonChangesPublic:
    """The person's history: each corrected field with its old and new value, who, when, why."""
    rows = [PersonChangePublic(**c) for c in service.changes(session, case.id, member_id)]
    return PersonChangesPublic(data=rows, count=len(rows))
