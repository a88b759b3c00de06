"""End to end: the real worker and API processes against a real Temporal dev server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from core.cli import venv_binary
from core.settings import Settings
from models.users import User
from tests.api.test_health import free_port
from tests.factories import CASE_JSON
from tests.tokens import bearer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


class Stack:
    def __init__(self, base_url: str, worker: subprocess.Popen[str], worker_log: Path,
                 api_log: Path, worker_metrics: str) -> None:
        self.base_url = base_url
        self.worker_metrics = worker_metrics
        self.worker = worker
        self.worker_log = worker_log
        self.api_log = api_log


def log_records(path: Path) -> list[dict[str, object]]:
    records = []
    for line in path.read_text().splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


@pytest.fixture
def stack(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, tmp_path: Path,
    users: dict[str, User],
) -> Iterator[Stack]:
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "HOMEWARD_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
        "HOMEWARD_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "HOMEWARD_DATABASE_URL": settings.database_url,
        "HOMEWARD_DATA_DIR": str(tmp_path),
        "HOMEWARD_LOG_FORMAT": "json",
        "HOMEWARD_API_PORT": str(port),
        "HOMEWARD_WORKER_METRICS_PORT": str(metrics_port),
    }
    worker_log, api_log = tmp_path / "worker.log", tmp_path / "api.log"
    with worker_log.open("w") as wl, api_log.open("w") as al:
        worker = subprocess.Popen(
            [sys.executable, "-m", "worker"], cwd=ROOT, env=env, stdout=wl, stderr=subprocess.STDOUT,
            text=True,
        )
        api = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            cwd=ROOT, env=env, stdout=al, stderr=subprocess.STDOUT, text=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, api_log.read_text()
            time.sleep(0.2)
        yield Stack(
            base_url, worker, worker_log, api_log, f"http://127.0.0.1:{metrics_port}/metrics"
        )
    finally:
        for proc in (api, worker):
            if proc.poll() is None:
                proc.terminate()
        for proc in (api, worker):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_case_through_the_api_runs_as_a_workflow(
    stack: Stack, dev_env: WorkflowEnvironment
) -> None:
    with httpx.Client(base_url=stack.base_url, timeout=10, headers=bearer("caseworker")) as http:
        r = http.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": "e2e-1"})
        assert r.status_code == 201, r.text
        case = r.json()
        assert http.get("/cases").json()["data"][0]["id"] == case["id"]

        counselling = {"held_on": "2026-02-01", "place": "Riga", "language": "ru"}
        assert http.post(f"/cases/{case['id']}/counselling-sessions", json=counselling).is_success
        r = http.post(f"/cases/{case['id']}/intake/complete")
        assert r.status_code == 200
        assert r.json()["stage"] == "eligibility"

        deadline = time.monotonic() + 15
        while http.get(f"/cases/{case['id']}").json()["stage"] != "eligibility":
            assert time.monotonic() < deadline, "projection never caught up"
            time.sleep(0.1)

    listed = subprocess.run(
        [venv_binary("temporal"), "workflow", "list",
         "--address", dev_env.client.service_client.config.target_host,
         "--query", f"WorkflowId = 'case-{case['id']}'"],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout
    assert f"case-{case['id']}" in listed
    assert "Running" in listed

    worker_metrics = httpx.get(stack.worker_metrics, timeout=5).text
    assert "temporal_activity_execution_latency" in worker_metrics
    assert "temporal_workflow_completed" in worker_metrics or "temporal_request" in worker_metrics

    # Activities log with the case bound; SIGTERM shuts the worker down cleanly.
    stack.worker.send_signal(signal.SIGTERM)
    assert stack.worker.wait(timeout=30) == 0
    worker_records = log_records(stack.worker_log)
    assert any(
        r.get("event") == "case projected" and r.get("case_id") == case["id"]
        for r in worker_records
    ), stack.worker_log.read_text()[-2000:]
    assert any(r.get("event") == "worker stopped" for r in worker_records)
    api_records = log_records(stack.api_log)
    assert any(
        r.get("event") == "case opened" and r.get("case_id") == case["id"] for r in api_records
    )
