"""API tests: the app wired to a migrated database and a real Temporal server with a worker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from core.settings import Settings
from models.exchange import Direction, ExchangeLink, PartnerKind
from models.partners import Partner
from models.users import User
from tests.api.exchange_messages import SECRET
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


@pytest.fixture
def sender(engine: Engine) -> str:
    """This side sent case-1 to GE-homeward (which reports back), and knows a plain partner."""
    with Session(engine) as session:
        session.add(Partner(id="GE-homeward", organisation="GE", country="GE",
                            contact_email="x@ge.example", kind=PartnerKind.HOMEWARD,
                            webhook_url="http://127.0.0.1:9/exchange/v1/messages",
                            webhook_secret=SECRET))
        session.add(Partner(id="GE-ngo", organisation="NGO", country="GE",
                            contact_email="x@ngo.example", webhook_url="http://127.0.0.1:9/h",
                            webhook_secret=SECRET))
        session.add(ExchangeLink(case_id="case-1", partner_id="GE-homeward",
                                 conversation_id="case-1", direction=Direction.SENT))
        session.commit()
    return "GE-homeward"
