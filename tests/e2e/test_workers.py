"""Two worker processes share one task queue; one is killed mid-run and the other finishes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from core.settings import Settings
from models.enums import Stage
from models.tables import Case
from models.users import User
from tests.conftest import DATABASES
from tests.e2e.test_stack import ROOT, log_records
from tests.factories import CASE_JSON
from tests.tokens import bearer

pytestmark = pytest.mark.e2e
CASES = 24
COUNSELLING = {"held_on": "2026-02-01", "place": "Riga", "language": "ru"}


def spawn_worker(
    dev_env: WorkflowEnvironment, settings: Settings, log: Path,
    extra_env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HOMEWARD_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "HOMEWARD_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "HOMEWARD_DATABASE_URL": settings.database_url,
        "HOMEWARD_LOG_FORMAT": "json",
        "HOMEWARD_WORKER_METRICS_PORT": "0",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "worker"], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )


async def wait_for_pollers(dev_env: WorkflowEnvironment, task_queue: str, n: int) -> None:
    request = DescribeTaskQueueRequest(
        namespace=dev_env.client.namespace,
        task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    )
    for _ in range(200):
        described = await dev_env.client.workflow_service.describe_task_queue(request)
        if len({p.identity for p in described.pollers}) >= n:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {n} workers polling {task_queue}")


def count_in_stage(engine: Engine, stage: Stage) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Case).where(Case.stage == stage)).one()


# One database: what is tested is Temporal handing the dead worker's cases to the other; the
# fault suite (tests/faults/test_worker_kills.py) kills workers on both databases.
@pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)
async def test_killed_worker_leaves_every_case_to_the_other(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, tmp_path: Path,
    users: dict[str, User],
) -> None:
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    workers = [spawn_worker(dev_env, settings, log) for log in logs]
    await wait_for_pollers(dev_env, settings.temporal_task_queue, 2)
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://homeward.test", timeout=60,
            headers=bearer("caseworker"),
        ) as api:
            created = await asyncio.gather(*(api.post("/cases", json=CASE_JSON) for _ in range(CASES)))
            ids = [r.json()["id"] for r in created]
            done = await asyncio.gather(
                *(api.post(f"/cases/{i}/counselling-sessions", json=COUNSELLING) for i in ids)
            )
            assert all(r.status_code == 200 for r in done)

            # Both workers took part before one of them dies without warning.
            busy = [
                {r.get("case_id") for r in log_records(log) if r.get("event") == "case projected"}
                for log in logs
            ]
            assert all(busy), "one worker did no work"
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=10)

            results = await asyncio.gather(
                *(api.post(f"/cases/{i}/intake/complete") for i in ids)
            )
            assert [r.status_code for r in results] == [200] * CASES

        for _ in range(300):
            if count_in_stage(engine, Stage.ELIGIBILITY) == CASES:
                break
            await asyncio.sleep(0.1)
        assert count_in_stage(engine, Stage.ELIGIBILITY) == CASES
        assert workers[1].poll() is None
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait(timeout=30)
