"""Workflow tests: a time-skipping server per test, and recording of scenario histories.

Shared across tests, one server's clock and timers leak between them: a case left running
by an earlier test (its worker gone) can stall every later ``sleep``. A server starts in
about 0.1 s, so isolation is cheap.

``HOMEWARD_RECORD_HISTORIES=1 .venv/bin/pytest tests/workflows -k sqlite`` rewrites
``tests/workflows/histories/*.json`` from the scenario tests; ``test_replay.py`` replays them.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from core.cli import venv_binary
from core.converter import build_data_converter
from core.search_attributes import ensure_search_attributes
from tests.workflows import scenario

HISTORIES = Path(__file__).parent / "histories"


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=build_data_converter(),
    )
    await ensure_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest.fixture(autouse=True)
async def record_histories(
    request: pytest.FixtureRequest, time_env: WorkflowEnvironment
) -> AsyncIterator[None]:
    # Depends on time_env so the histories are fetched before the server stops.
    scenario.STARTED.clear()
    yield
    started, scenario.STARTED[:] = list(scenario.STARTED), []
    if os.environ.get("HOMEWARD_RECORD_HISTORIES") != "1" or not started:
        return
    # HOMEWARD_HISTORIES_DIR records elsewhere, e.g. to add histories of a new patch
    # next to the older ones instead of replacing them.
    target = Path(os.environ.get("HOMEWARD_HISTORIES_DIR") or HISTORIES)
    target.mkdir(exist_ok=True)
    name = request.node.originalname.removeprefix("test_")
    for i, handle in enumerate(started):
        history = await handle.fetch_history()
        suffix = f"-{i + 1}" if len(started) > 1 else ""
        compact = json.dumps(json.loads(history.to_json()), separators=(",", ":"))
        (target / f"{name}{suffix}.json").write_text(compact + "\n")
