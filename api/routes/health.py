"""Health: is the database reachable, is Temporal reachable."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from sqlalchemy import text

from api.deps import SessionDep, TemporalDep
from models.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic)
async def health(session: SessionDep, client: TemporalDep, response: Response) -> HealthPublic:
    """Report database and Temporal reachability; 503 when either is down."""
    try:
        session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as err:  # noqa: BLE001 - any failure means unreachable
        database = f"unreachable: {type(err).__name__}"
    try:
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        temporal = "ok"
    except Exception as err:  # noqa: BLE001
        temporal = f"unreachable: {type(err).__name__}"
    ok = database == "ok" and temporal == "ok"
    if not ok:
        response.status_code = 503
    return HealthPublic(status="ok" if ok else "degraded", database=database, temporal=temporal)
