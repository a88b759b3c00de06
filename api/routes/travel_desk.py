"""The travel desk's open booking requests (HOMEWARD_BOOKING=desk); it records bookings,
changes and cancellations through the decision routes under /cases/{id}/travel-desk/."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep, TemporalDep
from api.travel_desk import open_requests
from models.schemas_desk import DeskRequestPublic

router = APIRouter(prefix="/travel-desk", tags=["travel desk"])


@router.get("/requests", response_model=list[DeskRequestPublic])
async def list_requests(session: SessionDep, client: TemporalDep) -> list[DeskRequestPublic]:
    """Open booking requests, the longest waiting first, with the travellers' details."""
    return await open_requests(session, client)
