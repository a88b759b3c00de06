"""Workflow tests: each test gets its own time-skipping server.

Shared across tests, one server's clock and timers leak between them: a case left running
by an earlier test (its worker gone) can stall every later ``sleep``. A server starts in
about 0.1 s, so isolation is cheap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from core.cli import venv_binary
from core.converter import build_data_converter


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=build_data_converter(),
    )
    yield env
    await env.shutdown()
