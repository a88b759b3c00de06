"""Fixtures of the end-to-end tests: ``installations``, two Homeward installations exchanging
cases on 127.0.0.1 (Latvia's and Georgia's, each with its own API, worker, SQLite database and
Temporal namespace on one dev server; tests/e2e/installations.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.testing import WorkflowEnvironment

from core.search_attributes import ensure_search_attributes
from core.temporal import connect
from tests.e2e.installations import Installation, database


@pytest.fixture
async def installations(
    dev_env: WorkflowEnvironment, tmp_path: Path, task_queue: str, demo_password_hash: str,
) -> AsyncIterator[tuple[Installation, Installation]]:
    target = dev_env.client.service_client.config.target_host
    namespace_b = f"homeward-b-{task_queue[-8:]}"
    await dev_env.client.workflow_service.register_namespace(RegisterNamespaceRequest(
        namespace=namespace_b, workflow_execution_retention_period={"seconds": 86400}))
    settings_a, engine_a = database(
        tmp_path, "lv", demo_password_hash, temporal_address=target, office_code="LV",
        temporal_task_queue=task_queue, exchange_id="LV-homeward")
    settings_b, engine_b = database(
        tmp_path, "ge", demo_password_hash, temporal_address=target, office_code="GE",
        temporal_task_queue=task_queue, temporal_namespace=namespace_b,
        exchange_id="GE-homeward", exchange_project_code="GE-RECEPTION")
    client_b = await connect(settings_b)
    for _ in range(50):  # the new namespace is usable a moment after its registration
        try:
            await ensure_search_attributes(client_b, namespace_b)
            break
        except Exception:  # noqa: BLE001
            await asyncio.sleep(0.2)
    a = Installation(settings_a, engine_a, await connect(settings_a))
    b = Installation(settings_b, engine_b, client_b)
    await a.start()
    await b.start()
    try:
        yield a, b
    finally:
        for side in (a, b):
            try:
                await side.stop()
            except AssertionError:
                pass
            side.engine.dispose()
