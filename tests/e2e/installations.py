"""Two Homeward installations on 127.0.0.1, for tests/e2e/test_exchange.py (docs/exchange.md):
Latvia's (A: the sending side) and Georgia's (B: the country of return's own), each with its
own API (uvicorn on its own port), worker, SQLite database and Temporal namespace (one dev
server), started by the ``installations`` fixture (tests/e2e/conftest.py); and the steps and
probes of the exchange scenario.

"A day" of outage in seconds: the retry schedule is configurable
(``exchange_retry_initial_seconds``/``exchange_retry_max_seconds``, 0.2 s/1 s here instead
of 30 s/1 h); the give-up time (``exchange_give_up_days``) stays a day, so the messages due
during the outage are retried as they would be over a day, only closer together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.worker import Worker

from api.main import create_app
from api.project_service import ensure_default_project
from api.user_service import DEMO_USERS
from core.db import build_engine
from core.migrate import upgrade
from core.settings import Settings
from models.departure import Booking
from models.enums import Relationship, Sex, Stage
from models.exchange import ExchangeOutbox
from models.partners import NeedsAssessment, Partner
from models.payloads import CaseState, Consent, Traveller
from models.tables import Case, HouseholdMember
from models.users import User
from tests.api.test_health import free_port
from tests.factories import insert_case, workflow_input
from tests.tokens import bearer
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow, workflow_id

CASEWORKER = bearer("caseworker")
TODAY = date.today()
CSV_HEADER = (
    "external_ref,relationship,given_name,family_name,date_of_birth,sex,nationality,"
    "passport_number,passport_valid_until,vulnerabilities,country_of_origin,legal_situation,"
    "location_type,location_name,destination_city,preferred_language,intake_date,stage,"
    "consent_signed_on,departure_date,arrival_date,reintegration_date,closure_date,"
    "closure_reason,cost_ticket,cost_escort,cost_document_fee,cost_cash_grant,"
    "cost_post_arrival,cost_reintegration\n"
)


def departed_case_csv(ref: str, given: str, family: str) -> bytes:
    """One case that departed yesterday, with the consent to share with a partner."""
    yesterday, intake = TODAY - timedelta(days=1), TODAY - timedelta(days=30)
    return (CSV_HEADER + (
        f"{ref},principal,{given},{family},1985-03-02,male,GE,,,,GE,rejected_asylum_seeker,"
        f"reception_centre,Mucenieki,Tbilisi,ka,{intake},departed,{intake},{yesterday},"
        ",,,,,,,,,\n")).encode()


class Installation:
    """One Homeward: its settings, database, Temporal client, API server and worker."""

    def __init__(self, settings: Settings, engine: Engine, client: Client) -> None:
        self.settings, self.engine, self.client = settings, engine, client
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._serving: asyncio.Task[None] | None = None
        self._worker: Worker | None = None
        self._working: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._worker = build_worker(self.client, self.settings, self.engine)
        self._working = asyncio.create_task(self._worker.run())
        app = create_app(self.settings)
        app.state.engine, app.state.temporal = self.engine, self.client
        self._server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False))
        self._serving = asyncio.create_task(self._server.serve())
        while not self._server.started:
            assert not self._serving.done(), "the API did not start"
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        """The whole stack down: its API refuses connections, its worker runs nothing."""
        assert self._server and self._serving and self._worker and self._working
        self._server.should_exit = True
        await self._serving
        await self._worker.shutdown()
        await self._working

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=20, headers=CASEWORKER)


def database(tmp_path: Path, name: str, password_hash: str, **settings: Any) -> tuple[Settings, Engine]:
    (tmp_path / name).mkdir()
    s = Settings(
        data_dir=tmp_path / name, database_url=f"sqlite:///{tmp_path / name / 'homeward.db'}",
        exchange_retry_initial_seconds=0.2, exchange_retry_max_seconds=1,
        exchange_give_up_days=1, **settings, _env_file=None,  # type: ignore[call-arg]
    )
    engine = build_engine(s)
    upgrade(engine)
    ensure_default_project(engine, s)
    with Session(engine) as session:
        for u in DEMO_USERS:
            session.add(User(id=u.username, username=u.username, full_name=u.full_name,
                             role=u.role, partner_org=u.partner_org, password_hash=password_hash))
        session.commit()
    return s, engine


async def ok(response: Awaitable[httpx.Response]) -> Any:
    r = await response
    assert r.is_success, r.text
    return r.json()


async def eventually(probe: Callable[[], Awaitable[Any]], what: str, seconds: float = 20) -> Any:
    for _ in range(int(seconds / 0.2)):
        value = await probe()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError(f"never: {what}")


def outbox(engine: Engine) -> list[ExchangeOutbox]:
    with Session(engine) as session:
        return list(session.exec(select(ExchangeOutbox)).all())


def cases(engine: Engine) -> list[Case]:
    with Session(engine) as session:
        return list(session.exec(select(Case).order_by(Case.created_at)).all())


async def proposable_case(side: Installation, given: str, family: str) -> str:
    """A case of ``side`` before departure, consented to sharing with a partner, booked to fly
    in 2 days (its pre-arrival package is due as soon as a partner is offered it)."""
    case = await asyncio.to_thread(insert_case, side.engine, destination_city="Kutaisi",
                                   preferred_language="ka")
    with Session(side.engine) as session:
        session.add(HouseholdMember(
            id=f"m-{case.id[:8]}", case_id=case.id, relationship=Relationship.PRINCIPAL,
            given_name=given, family_name=family, date_of_birth=date(1991, 5, 6),
            sex=Sex.FEMALE, nationality="GE", passport_number="GE7654321"))
        session.add(NeedsAssessment(case_id=case.id, wants_to_do="open a bakery",
                                    recorded_by="caseworker"))
        if session.get(Partner, "GE-local") is None:
            session.add(Partner(id="GE-local", organisation="Kutaisi NGO", country="GE",
                                contact_email="ops@kutaisi.example"))
        session.commit()
    base = workflow_input(case)
    state = CaseState(
        case_id=case.id, reference=case.reference, country_of_origin="GE",
        legal_situation=base.legal_situation, location_type=base.location_type,
        household=[Traveller(member_id=f"m-{case.id[:8]}", relationship="principal",
                             sex="female", is_minor=False, nationality="GE")],
        stage=Stage.TRAVEL, unprojected=True, version=1, updated_at=datetime.now(UTC),
        consent=Consent(declaration_signed_on=TODAY, share_with_authorities=True,
                        share_with_partner=True, witnessed_by="x", recorded_by="caseworker"),
        bookings=[Booking(booking_ref="BK-1", departure_date=TODAY + timedelta(days=2),
                          flight="BT 0701", escort=True, transit_assistance=False,
                          requested_on=TODAY)],
    )
    await side.client.start_workflow(
        ReturnCaseWorkflow.run, base.model_copy(update={"state": state}),
        id=workflow_id(case.id), task_queue=side.settings.temporal_task_queue)
    return case.id


async def _proposals(api: httpx.AsyncClient, ready: Callable[[dict[str, Any]], Any]
                     ) -> list[dict[str, Any]] | None:
    r = await api.get("/exchange/proposals")
    found = [p for p in r.json() if ready(p)] if r.is_success else []
    return found or None


async def _live(api: httpx.AsyncClient, case_id: str, ready: Callable[[dict[str, Any]], Any]
                ) -> dict[str, Any] | None:
    r = await api.get(f"/cases/{case_id}")
    if not r.is_success:
        return None
    live = r.json().get("live")
    return live if live and ready(live) else None


async def _timeline_has(api: httpx.AsyncClient, case_id: str, text: str) -> bool:
    r = await api.get(f"/cases/{case_id}/timeline")
    return r.is_success and any(text in e["summary"] for e in r.json()["data"])
