"""Health, liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import SessionDep, TemporalDep
from models.schemas import HealthPublic

router = APIRouter(tags=["health"])


async def _check(session: SessionDep, client: TemporalDep) -> HealthPublic:
    try:
        session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as err:  # noqa: BLE001 - any failure means unreachable
        database = f"unreachable: {type(err).__name__}"
    session.close()
    try:
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        temporal = "ok"
    except Exception as err:  # noqa: BLE001
        temporal = f"unreachable: {type(err).__name__}"
    ok = database == "ok" and temporal == "ok"
    return HealthPublic(status="ok" if ok else "degraded", database=database, temporal=temporal)


@router.get("/health", response_model=HealthPublic)
async def health(session: SessionDep, client: TemporalDep, response: Response) -> HealthPublic:
    """Report database and Temporal reachability; 503 when either is down."""
    result = await _check(session, client)
    if result.status != "ok":
        response.status_code = 503
    return result


@router.get("/health/live")
def live() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/health/ready", response_model=HealthPublic)
async def ready(session: SessionDep, client: TemporalDep, response: Response) -> HealthPublic:
    """Readiness: the database and Temporal are reachable, so requests can be served."""
    return await health(session, client, response)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics of this API process."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
