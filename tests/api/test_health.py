"""Health reports database and Temporal reachability."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.case_service import find_by_idempotency_key
from api.main import create_app
from core.settings import Settings
from core.temporal import connect
from models.enums import CaseStatus, Stage
from models.users import User
from tests.factories import CASE_JSON, insert_case
from tests.tokens import bearer


async def test_health_ok(api: httpx.AsyncClient) -> None:
    r = await api.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "temporal": "ok"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_health_reports_temporal_unreachable(
    settings: Settings, engine: Engine, users: dict[str, User]
) -> None:
    dead = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(dead)
    app.state.engine = engine
    app.state.temporal = await connect(dead, lazy=True)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://homeward.test"
    ) as client:
        r = await client.get("/health")
        assert r.status_code == 503
        body = r.json()
        assert body["database"] == "ok"
        assert body["temporal"].startswith("unreachable")
        assert (await client.get("/health/ready")).status_code == 503
        assert (await client.get("/health/live")).status_code == 200
        # A case opened meanwhile: kept, and a 503 to repeat the request (not a 500), as the
        # API's first call to a Temporal that is down fails before any RPC.
        r = await client.post("/cases", json=CASE_JSON, headers={
            **bearer("caseworker"), "Idempotency-Key": "while-down"})
        assert r.status_code == 503 and r.json()["code"] == "unavailable", r.text
        with Session(engine) as session:
            assert find_by_idempotency_key(session, "while-down") is not None


async def test_live_ready_and_metrics(api: httpx.AsyncClient) -> None:
    assert (await api.get("/health/live")).json() == {"status": "ok"}
    assert (await api.get("/health/ready")).status_code == 200
    for _ in range(2):
        r = await api.post("/cases", json=CASE_JSON)
        assert r.status_code == 201
    text = (await api.get("/metrics")).text
    assert 'homeward_cases{stage="intake",status="active"} 2.0' in text
    assert "homeward_cases_stuck{" not in text  # both just happened
    assert (
        'homeward_api_request_seconds_count{method="POST",route="/cases",status="201"} 2.0'
        in text
    )


async def test_quiet_active_cases_count_as_stuck(api: httpx.AsyncClient, engine: Engine) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=15)
    insert_case(engine, stage=Stage.TRAVEL, updated_at=long_ago)
    insert_case(engine, stage=Stage.TRAVEL, updated_at=long_ago)
    insert_case(engine, stage=Stage.CLOSED, status=CaseStatus.CLOSED, updated_at=long_ago)
    insert_case(engine, stage=Stage.DEPARTED, updated_at=long_ago)
    insert_case(engine, stage=Stage.CONSENT)  # recent
    text = (await api.get("/metrics")).text
    assert 'homeward_cases_stuck{stage="travel"} 2.0' in text
    assert 'homeward_cases_stuck{stage="closed"}' not in text
    assert 'homeward_cases_stuck{stage="departed"}' not in text
    assert 'homeward_cases_stuck{stage="consent"}' not in text
