"""API tests: the app wired to a migrated database and a real Temporal server with a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from core.settings import Settings
from worker import build_worker


@pytest.fixture
async def api(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    async with build_worker(dev_env.client, settings, engine), app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://homeward.test") as client:
            yield client
