"""API tests: the app wired to a migrated database and a real Temporal server with a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from core.settings import Settings
from models.users import User
from tests.tokens import bearer
from worker import build_worker


@pytest.fixture
async def api(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the demo caseworker by default; pass headers=bearer("...") to act as another."""
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    async with build_worker(dev_env.client, settings, engine), app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://homeward.test", headers=bearer("caseworker")
        ) as client:
            yield client


@pytest.fixture
def auth(users: dict[str, User]) -> Callable[[str], dict[str, str]]:
    """auth("supervisor") -> Authorization header of that demo user."""
    return bearer
