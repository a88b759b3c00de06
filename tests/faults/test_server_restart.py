"""The Temporal dev server is stopped and restarted (same database file) while cases are being
driven through the API: every case resumes and reaches its stage, and the projection agrees.

The server is our own `temporal server start-dev --db-filename` on a fixed port (the shared
in-memory dev server of the other tests would lose everything); the worker is a real process,
the API runs in-process with a lazily connected client, as in production. Requests made while
the server is down get a 503 (or time out) and are repeated, as a caseworker would.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from api.main import create_app
from core.cli import venv_binary
from core.search_attributes import DEV_SERVER_ARGS, ensure_search_attributes
from core.settings import Settings
from core.temporal import connect
from models.tables import Case
from models.users import User
from tests.conftest import DATABASES
from tests.e2e.test_stack import ROOT
from tests.factories import CASE_JSON
from tests.faults import retrying
from tests.tokens import bearer

# On one database: what is stopped is Temporal's server, which the case database does not take
# part in; both took 52 s of the suite's two cores.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True),
]
CASES = 12
COUNSELLING = {"held_on": "2026-02-01", "place": "Riga", "language": "ru"}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DevServer:
    """One dev server whose state lives in a file, stopped and started on the same port."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db, self.log, self.port = db, log, free_port()
        self.http_port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.started: list[subprocess.Popen[bytes]] = []

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("a") as out:
            self.proc = subprocess.Popen([
                venv_binary("temporal"), "server", "start-dev", "--headless",
                "--ip", "127.0.0.1", "--port", str(self.port),
                "--http-port", str(self.http_port), "--db-filename", str(self.db),
                "--log-level", "error", *DEV_SERVER_ARGS,
            ], stdout=out, stderr=subprocess.STDOUT)
        self.started.append(self.proc)

    def stop(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    async def ready(self, settings: Settings) -> None:
        for _ in range(300):
            try:
                client = await connect(settings)
                await client.service_client.check_health()
            except Exception:  # noqa: BLE001 - not up yet
                await asyncio.sleep(0.1)
                continue
            # As `make run` does: the case workflows' search attributes (kept in the database
            # file, so after a restart this adds nothing).
            await ensure_search_attributes(client, settings.temporal_namespace)
            return
        raise AssertionError(f"dev server not ready:\n{self.log.read_text()[-2000:]}")



def spawn_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "worker"], cwd=ROOT, env={
            **os.environ,
            "HOMEWARD_TEMPORAL_ADDRESS": settings.temporal_address,
            "HOMEWARD_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
            "HOMEWARD_DATABASE_URL": settings.database_url,
            "HOMEWARD_LOG_FORMAT": "json",
            "HOMEWARD_WORKER_METRICS_PORT": "0",
            "PYTHONUNBUFFERED": "1",
        }, stdout=out, stderr=subprocess.STDOUT)


async def wait_for_worker(settings: Settings, worker: subprocess.Popen[bytes], log: Path) -> None:
    """Until the worker polls (it must be up before the server goes down)."""
    client = await connect(settings)
    request = DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=settings.temporal_task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    )
    for _ in range(600):
        assert worker.poll() is None, log.read_text()[-3000:]
        if (await client.workflow_service.describe_task_queue(request)).pollers:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the worker does not poll:\n{log.read_text()[-3000:]}")


async def post(api: httpx.AsyncClient, path: str, **kwargs: object) -> httpx.Response:
    """The server is down for a while: keep trying for longer."""
    return await retrying.post(api, path, tries=60, **kwargs)


async def drive(api: httpx.AsyncClient, n: int, rng: random.Random) -> str:
    r = await post(api, "/cases", json=CASE_JSON, headers={"Idempotency-Key": f"restart-{n}"})
    assert r.status_code in (200, 201), r.text
    case_id: str = r.json()["id"]
    for _ in range(2):
        await asyncio.sleep(rng.uniform(0, 1.5))
        r = await post(api, f"/cases/{case_id}/counselling-sessions", json=COUNSELLING)
        assert r.status_code == 200, r.text
    await asyncio.sleep(rng.uniform(0, 1.5))
    r = await post(api, f"/cases/{case_id}/intake/complete")
    # 409 only if an earlier attempt went through before its answer was lost.
    assert r.status_code == 200 or "intake" in r.text, r.text
    return case_id


async def test_every_case_resumes_after_the_server_restarts(
    settings: Settings, engine: Engine, tmp_path: Path, users: dict[str, User]
) -> None:
    rng = random.Random(7)
    server = DevServer(tmp_path / "temporal.db", tmp_path / "temporal.log")
    settings = settings.model_copy(update={"temporal_address": server.address})
    server.start()
    worker: subprocess.Popen[bytes] | None = None
    # The restart and the cases, as tasks: on a failure the restart must not go on to start
    # a server after the clean-up below (gather leaves the others running).
    tasks: list[asyncio.Task[Any]] = []
    try:
        await server.ready(settings)
        worker = spawn_worker(settings, tmp_path / "worker.log")
        await wait_for_worker(settings, worker, tmp_path / "worker.log")
        app = create_app(settings)
        app.state.engine = engine
        app.state.temporal = await connect(settings, lazy=True)
        down_for = 0.0

        async def restart() -> None:
            nonlocal down_for
            await asyncio.sleep(rng.uniform(1.0, 2.0))
            stopped = time.monotonic()
            await asyncio.to_thread(server.stop)
            await asyncio.sleep(2)
            server.start()
            await server.ready(settings)
            down_for = time.monotonic() - stopped

        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://homeward.test", timeout=15,
            headers=bearer("caseworker"),
        ) as api:
            try:
                tasks = [asyncio.create_task(restart()),
                         *(asyncio.create_task(drive(api, n, rng)) for n in range(CASES))]
                results = await asyncio.wait_for(
                    asyncio.gather(*tasks),
                    timeout=150,
                )
            except TimeoutError as err:
                raise AssertionError(
                    f"cases did not resume (worker exit code {worker.poll()}):\n"
                    + (tmp_path / "worker.log").read_text()[-3000:]
                    + "\n--- temporal ---\n" + server.log.read_text()[-2000:]
                ) from err
            ids = results[1:]
            assert len(set(ids)) == CASES and down_for >= 2
            live = {}
            for case_id in ids:
                r = await api.get(f"/cases/{case_id}")
                assert r.status_code == 200 and r.json()["live"] is not None, r.text
                live[case_id] = r.json()["live"]
            assert {s["stage"] for s in live.values()} == {"eligibility"}
            assert all(len(s["counselling_sessions"]) >= 2 for s in live.values())

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
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
        for proc in server.started:  # every server this test started, even after a failure
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
