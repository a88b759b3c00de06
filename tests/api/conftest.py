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
from tests.api.report_build import build
from tests.api.report_dataset import (
    END,
    EU_PERCENT,
    NATIONAL_PERCENT,
    OUTREACH,
    SPLIT_TARGETS,
    START,
    TARGETS,
)
from tests.api.test_projects import create_project
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
async def projects(api: httpx.AsyncClient, engine: Engine) -> tuple[str, str]:
    """Projects P and Q with the donor-report dataset of tests/api/report_dataset.py, its
    outreach and targets: (P's id, Q's id)."""
    p = await create_project(api, code="P", period_start=START.isoformat(),
                             period_end=END.isoformat(), targets=TARGETS,
                             eu_share_percent=EU_PERCENT, national_share_percent=NATIONAL_PERCENT)
    q = await create_project(api, code="Q", period_start="2026-03-01", period_end="2027-12-31")
    ids = build(engine, p["id"], q["id"])
    for project, kind, place_type, place, day, reached, led_to in OUTREACH:
        r = await api.post(f"/projects/{p['id'] if project == 'P' else q['id']}/outreach", json={
            "kind": kind, "place_type": place_type, "place_name": place,
            "held_on": day.isoformat(),
            "reached": [{"nationality": n, "sex": x, "age_band": b, "persons": k}
                        for n, x, b, k in reached]})
        assert r.status_code == 201, r.text
        if led_to:
            r = await api.post(f"/outreach/{r.json()['id']}/case",
                               json={"case_id": ids[led_to]})
            assert r.status_code == 200 and r.json()["case_id"] == ids[led_to], r.text
    admin = bearer("admin")
    body = {"targets": [{"figure": k, "target": v} for k, v in TARGETS.items()] + [
        {"figure": f, "breakdown": b, "part": part, "target": t}
        for f, b, part, t in SPLIT_TARGETS]}
    r = await api.put(f"/projects/{p['id']}/targets", json=body, headers=admin)
    assert r.status_code == 200, r.text
    # A split the report does not count is refused, with the breakdowns it does count.
    r = await api.put(f"/projects/{p['id']}/targets", headers=admin, json={"targets": [
        {"figure": "persons_returned", "breakdown": "nationality", "part": "GE", "target": 1}]})
    assert r.status_code == 422 and "country_of_origin" in r.text
    return p["id"], q["id"]


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
