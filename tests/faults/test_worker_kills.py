"""20 cases in flight through the API while the only worker process is SIGKILLed at random
moments three times and restarted: every case reaches its stage and the projection agrees."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from core.settings import Settings
from models.tables import Case
from models.users import User
from tests.e2e.test_workers import spawn_worker, wait_for_pollers
from tests.factories import CASE_JSON
from tests.tokens import bearer

pytestmark = pytest.mark.e2e
CASES = 20
KILLS = 3
SESSIONS = 2
COUNSELLING = {"held_on": "2026-02-01", "place": "Riga", "language": "ru"}


async def post(api: httpx.AsyncClient, path: str, **kwargs: object) -> httpx.Response:
    """A caseworker's request, repeated while the API answers 503 or the call times out."""
    for _ in range(20):
        try:
            r = await api.post(path, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            continue
        if r.status_code != 503:
            return r
        await asyncio.sleep(0.5)
    raise AssertionError(f"{path} kept failing")


async def drive(api: httpx.AsyncClient, n: int, rng: random.Random) -> str:
    r = await post(api, "/cases", json=CASE_JSON, headers={"Idempotency-Key": f"kill-{n}"})
    assert r.status_code in (200, 201), r.text
    case_id: str = r.json()["id"]
    for _ in range(SESSIONS):
        await asyncio.sleep(rng.uniform(0, 0.8))
        r = await post(api, f"/cases/{case_id}/counselling-sessions", json=COUNSELLING)
        assert r.status_code == 200, r.text
    await asyncio.sleep(rng.uniform(0, 0.8))
    r = await post(api, f"/cases/{case_id}/intake/complete")
    # 409 only if an earlier attempt went through before its answer was lost.
    assert r.status_code == 200 or "intake" in r.text, r.text
    return case_id


async def test_cases_survive_a_worker_killed_three_times(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, tmp_path: Path,
    users: dict[str, User],
) -> None:
    rng = random.Random(10)
    workers: list[subprocess.Popen[bytes]] = []

    def start_worker() -> None:
        workers.append(spawn_worker(dev_env, settings, tmp_path / f"worker-{len(workers)}.log"))

    async def killer() -> None:
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(0.2, 1.5))
            workers[-1].send_signal(signal.SIGKILL)
            workers[-1].wait(timeout=10)
            await asyncio.sleep(rng.uniform(0.1, 1.0))
            start_worker()

    start_worker()
    await wait_for_pollers(dev_env, settings.temporal_task_queue, 1)
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    started = time.monotonic()
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://homeward.test", timeout=30,
            headers=bearer("caseworker"),
        ) as api:
            results = await asyncio.wait_for(
                asyncio.gather(killer(), *(drive(api, n, rng) for n in range(CASES))),
                timeout=75,
            )
            ids = results[1:]
            assert len(set(ids)) == CASES
            assert all(w.returncode == -signal.SIGKILL for w in workers[:KILLS])

            live = {}
            for case_id in ids:
                r = await api.get(f"/cases/{case_id}")
                assert r.status_code == 200
                live[case_id] = r.json()["live"]
            assert {s["stage"] for s in live.values()} == {"eligibility"}
            assert all(len(s["counselling_sessions"]) >= SESSIONS for s in live.values())

        # The projection catches up with every workflow (retried projections included).
        deadline = time.monotonic() + 60
        while True:
            with Session(engine) as session:
                rows = {c.id: c for c in session.exec(select(Case)).all()}
            if all(rows[i].stage == "eligibility" and rows[i].projected_version == live[i]["version"]
                   for i in ids):
                break
            assert time.monotonic() < deadline, {
                i: (rows[i].stage, rows[i].projected_version, live[i]["version"]) for i in ids
            }
            await asyncio.sleep(0.2)
        assert len(rows) == CASES
        print(f"{CASES} cases, {KILLS} kills, {time.monotonic() - started:.1f}s")
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait(timeout=30)
