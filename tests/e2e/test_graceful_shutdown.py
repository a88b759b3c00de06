"""SIGTERM lets the worker finish the external call in flight; nothing is called twice."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.api.enums.v1 import EventType, PendingActivityState
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from core.settings import Settings
from models.users import User
from tests.conftest import DATABASES
from tests.e2e.test_workers import spawn_worker, wait_for_pollers
from tests.factories import CASE_JSON
from tests.tokens import bearer

pytestmark = pytest.mark.e2e
EMBASSY_LATENCY = 3.0


async def to_travel_documents(api: httpx.AsyncClient) -> str:
    case_id = (await api.post("/cases", json=CASE_JSON)).json()["id"]
    sup = bearer("supervisor")
    today = datetime.now(UTC).date().isoformat()
    for path, body, headers in [
        ("counselling-sessions", {"held_on": today, "place": "Riga", "language": "ka"}, None),
        ("intake/complete", None, None),
        ("eligibility/assessment", {"eligible": True, "notes": "meets the criteria"}, None),
        ("eligibility/decision", {"approve": True, "reason": "agreed"}, sup),
        ("consent", {"declaration_signed_on": today, "share_with_authorities": True,
                     "share_with_partner": True, "witnessed_by": "the counsellor"}, None),
    ]:
        r = await api.post(f"/cases/{case_id}/{path}", json=body, headers=headers)
        assert r.status_code == 200, (path, r.text)
    assert r.json()["stage"] == "travel_documents"
    return case_id


# On one database: the API process is stopped, not the database; both took 28 s of the
# suite's two cores.
@pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)
async def test_sigterm_finishes_the_call_in_flight(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, tmp_path: Path,
    users: dict[str, User],
) -> None:
    slow_embassy = {"HOMEWARD_SIMULATORS": json.dumps({"embassy": {"latency_seconds": EMBASSY_LATENCY}})}
    first = spawn_worker(dev_env, settings, tmp_path / "first.log", slow_embassy)
    second = None
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    try:
        await wait_for_pollers(dev_env, settings.temporal_task_queue, 1)
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://homeward.test", timeout=90,
            headers=bearer("caseworker"),
        ) as api:
            case_id = await to_travel_documents(api)
            assessment = asyncio.create_task(api.post(
                f"/cases/{case_id}/travel-documents/assessment",
                json={"planned_departure": "2030-01-10"},
            ))
            handle = dev_env.client.get_workflow_handle(f"case-{case_id}")
            for _ in range(200):  # the embassy request is under way on the first worker
                pending = (await handle.describe()).raw_description.pending_activities
                if any(p.activity_type.name == "request_travel_document"
                       and p.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                       for p in pending):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the embassy request never started")

            stopped_at = time.monotonic()
            first.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(first.wait, 30) == 0
            # It waited for the embassy rather than dropping the call.
            assert time.monotonic() - stopped_at > EMBASSY_LATENCY / 3

            second = spawn_worker(dev_env, settings, tmp_path / "second.log", slow_embassy)
            r = await assessment
            assert r.status_code == 200, r.text
            assert r.json()["documents"]["status"] == "requested"
            assert r.json()["documents"]["request_ref"]

        history = await handle.fetch_history()
        started = [
            e for e in history.events
            if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
            and history.events[e.activity_task_started_event_attributes.scheduled_event_id - 1]
            .activity_task_scheduled_event_attributes.activity_type.name == "request_travel_document"
        ]
        assert [e.activity_task_started_event_attributes.attempt for e in started] == [1]
    finally:
        for w in (first, second):
            if w is not None and w.poll() is None:
                w.terminate()
                w.wait(timeout=30)
