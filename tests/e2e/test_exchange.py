"""Two Homeward installations exchanging a case (docs/exchange.md), on 127.0.0.1: Latvia's
(A: the sending side) and Georgia's (B: the country of return's own), each with its own API
(uvicorn on its own port), worker, SQLite database and Temporal namespace (one dev server).

A case handed over by A opens B's own case; B's arrival, plan and monitoring visit, recorded
by B's staff, show on A's case as its partner's reports. Then B is stopped (API and worker)
while A's next handover is due, and restarted: nothing is lost and nothing is received
twice, and a replayed message changes nothing. Before departure (version 2), a caseworker of
A chooses B as the partner of two more cases: B's staff see each proposed case with its
pre-arrival facts; B's acceptance ends A's wait for the partner, B's decline lets A's
caseworker choose another partner, and the answer delivered again changes nothing; A then
choosing another partner for the accepted case withdraws it from B (``case.withdrawn``), and
so does closing a case before departure while B's answer is pending.

"A day" of outage in seconds: the retry schedule is configurable
(``exchange_retry_initial_seconds``/``exchange_retry_max_seconds``, 0.2 s/1 s here instead
of 30 s/1 h); the give-up time (``exchange_give_up_days``) stays a day, so the messages due
during the outage are retried as they would be over a day, only closer together.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.exchange_outbox import signed_headers
from api.main import create_app
from api.project_service import ensure_default_project
from api.user_service import DEMO_USERS
from core.db import build_engine
from core.migrate import upgrade
from core.search_attributes import ensure_search_attributes
from core.settings import Settings
from core.temporal import connect
from models.departure import Booking
from models.enums import CaseStatus, Relationship, Sex, Stage
from models.exchange import EXCHANGE_PATH, ExchangeOutbox, MessageType
from models.partners import NeedsAssessment, Partner
from models.payloads import CaseState, Consent, Traveller
from models.policy import ScoringPolicy
from models.tables import Case, HouseholdMember
from models.users import User
from tests.api.test_health import free_port
from tests.api.test_projects import ADMIN, project_json
from tests.factories import insert_case, workflow_input
from tests.tokens import bearer
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow, workflow_id

pytestmark = pytest.mark.e2e
SECRET = "exchange-secret-shared-by-both-sides"
CASEWORKER, SUPERVISOR = bearer("caseworker"), bearer("supervisor")
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


async def test_a_case_exchanged_between_two_installations_survives_an_outage(
    installations: tuple[Installation, Installation],
) -> None:
    a, b = installations
    indicators = {i.key: 3 for i in ScoringPolicy().indicators}
    async with a.http() as api_a, b.http() as api_b:
        # Each side: the other installation as a partner of kind "homeward"; a funded project.
        await ok(api_a.post("/partners", headers=ADMIN, json={
            "id": "GE-homeward", "organisation": "Georgia's reception service", "country": "GE",
            "contact_email": "returns@ge.example", "kind": "homeward",
            "webhook_url": b.url + EXCHANGE_PATH, "webhook_secret": SECRET}))
        await ok(api_b.post("/partners", headers=ADMIN, json={
            "id": "LV-homeward", "organisation": "Latvia's return office", "country": "LV",
            "contact_email": "returns@lv.example", "kind": "homeward",
            "webhook_url": a.url + EXCHANGE_PATH, "webhook_secret": SECRET}))
        period = {"period_start": str(TODAY - timedelta(days=90)),
                  "period_end": str(TODAY + timedelta(days=900))}
        project_a = await ok(api_a.post("/projects", headers=ADMIN,
                                        json=project_json(code="AMIF-LV-X", **period)))
        await ok(api_b.post("/projects", headers=ADMIN,
                            json=project_json(code="GE-RECEPTION", **period)))

        # A hands a departed case over (imported at departure: its workflow hands it over).
        report = await ok(api_a.post(
            f"/projects/{project_a['id']}/import", headers=SUPERVISOR,
            files={"file": ("c.csv", departed_case_csv("X-1", "Levan", "Kapanadze"))}))
        case_a = report["imported"][0]["case_id"]

        # B opens its own case at the arrival, with the names it needs and the consent.
        [received] = await eventually(lambda: asyncio.to_thread(cases, b.engine),
                                      "B opens its case")
        case_b = received.id
        assert received.reference.startswith("GE-") and received.external_ref == f"LV-homeward:{case_a}"
        view = await eventually(
            lambda: _live(api_b, case_b, lambda v: v["stage"] == "arrival"), "B's case at arrival")
        assert view["consent"]["share_with_partner"] is True
        household = await ok(api_b.get(f"/cases/{case_b}/household"))
        assert [(m["given_name"], m["family_name"]) for m in household] == [
            ("Levan", "Kapanadze")]
        # A learns that B accepted it.
        await eventually(lambda: _timeline_has(api_a, case_a, "accepted the case"),
                         "A records the acceptance")

        # B's staff confirm the arrival: A's case moves on as if its partner had reported it.
        await ok(api_b.post(f"/cases/{case_b}/arrival", json={"arrived_on": str(TODAY)}))
        live_a = await eventually(
            lambda: _live(api_a, case_a, lambda v: v["arrival"]["confirmed_on"] == str(TODAY)),
            "the arrival shows on A")
        assert live_a["stage"] == "reintegration"
        assert live_a["arrival"]["confirmed_by"] == "GE-homeward"

        # B's plan (approved by B's supervisor) reaches A, where A's supervisor approves it.
        plan = {"components": [{"kind": "business_start_up", "description": "shop",
                                "budget": "1500.00"}]}
        await ok(api_b.post(f"/cases/{case_b}/reintegration-plan", json=plan))
        await ok(api_b.post(f"/cases/{case_b}/reintegration-plan/decision", headers=SUPERVISOR,
                            json={"approve": True, "reason": "realistic"}))
        await eventually(lambda: _live(api_a, case_a, lambda v: v["plan"] is not None),
                         "the plan shows on A")
        await ok(api_a.post(f"/cases/{case_a}/reintegration-plan/decision", headers=SUPERVISOR,
                            json={"approve": True, "reason": "as the partner proposes"}))

        # A monitoring visit recorded on B shows on A, scored by A's own policy.
        await ok(api_b.post(f"/cases/{case_b}/monitoring/reports",
                            json={"held_on": str(TODAY), "indicators": indicators}))
        live_a = await eventually(
            lambda: _live(api_a, case_a, lambda v: v["monitoring"]["visits"][0]["reported_on"]),
            "the monitoring visit shows on A")
        assert live_a["monitoring"]["visits"][0]["reported_by"] == "GE-homeward"
        await eventually(lambda: asyncio.to_thread(
            lambda: all(m.delivered_at for m in outbox(b.engine))), "B's outbox delivered")

        # B is down (API and worker) while A's next handover is due: A keeps trying.
        await b.stop()
        await ok(api_a.post(
            f"/projects/{project_a['id']}/import", headers=SUPERVISOR,
            files={"file": ("d.csv", departed_case_csv("X-2", "Nino", "Beridze"))}))
        [pending] = await eventually(lambda: asyncio.to_thread(lambda: [
            m for m in outbox(a.engine) if m.type == MessageType.HANDOVER and m.attempts >= 3
            and m.delivered_at is None]), "A retries while B is down")
        captured = json.dumps(pending.envelope).encode()  # as a replay attack would have it
        assert len(cases(b.engine)) == 1

        # B back: the handover arrives once, and B's acceptance reaches A.
        await b.start()
        await eventually(lambda: asyncio.to_thread(
            lambda: len(outbox(a.engine)) == 2 and all(m.delivered_at for m in outbox(a.engine))),
            "A's outbox delivered after the outage")
        await eventually(lambda: asyncio.to_thread(
            lambda: len(outbox(b.engine)) == 5 and all(m.delivered_at for m in outbox(b.engine))),
            "B's acceptance of the second case delivered")
        assert [c.external_ref.split(":")[0] for c in cases(b.engine)] == ["LV-homeward"] * 2

        # Replayed (re-signed, so it passes the signature and age checks): nothing changes.
        # A keeps no names once B has them.
        assert all(m.envelope["body"] == {} for m in outbox(a.engine))
        async with httpx.AsyncClient(timeout=20) as raw:
            r = await raw.post(b.url + EXCHANGE_PATH, content=captured, headers=signed_headers(
                SECRET, "LV-homeward", pending.message_id, captured))
            assert r.status_code == 200 and r.json()["status"] == "duplicate", r.text
            visit = next(m for m in outbox(b.engine) if m.type == MessageType.MONITORING)
            body = json.dumps(visit.envelope).encode()
            r = await raw.post(a.url + EXCHANGE_PATH, content=body, headers=signed_headers(
                SECRET, "GE-homeward", visit.message_id, body))
            assert r.status_code == 200 and r.json()["status"] == "duplicate", r.text
        assert len(cases(b.engine)) == 2
        live_a = await _live(api_a, case_a, lambda v: True)
        assert [v["reported_on"] is not None for v in live_a["monitoring"]["visits"]].count(True) == 1

        # Before departure (version 2): A's caseworker chooses B for a case flying in 2 days.
        early = await proposable_case(a, "Tamar", "Gelashvili")
        await ok(api_a.post(f"/cases/{early}/partner", json={"partner_id": "GE-homeward"}))
        # B's staff see it proposed, with the travel of the pre-arrival package and the names.
        [proposal] = await eventually(lambda: _proposals(api_b, lambda p: p["packages"] == 1),
                                      "B sees the proposed case with its pre-arrival package")
        assert proposal["status"] == "pending" and proposal["partner_id"] == "LV-homeward"
        assert proposal["travel"]["flight"] == "BT 0701" and proposal["travel"]["escort"]
        assert proposal["travel_reason"] == "first" and proposal["household_size"] == 1
        household = await ok(api_b.get(f"/cases/{proposal['case_id']}/household"))
        assert [m["given_name"] for m in household] == ["Tamar"]
        needs = await ok(api_b.get(f"/cases/{proposal['case_id']}/needs-assessment"))
        assert needs["wants_to_do"] == "open a bakery"
        # B accepts: A's case no longer waits for its partner.
        await ok(api_b.post(f"/exchange/proposals/{proposal['case_id']}/answer",
                            json={"accept": True}))
        live_a = await eventually(lambda: _live(
            api_a, early, lambda v: v["partner"]["answer"] == "accepted"), "A takes the accept")
        assert live_a["partner"]["answered_by"] == "GE-homeward"
        # The answer delivered again (a retry whose answer was lost): nothing changes on A.
        answered = next(m for m in outbox(b.engine) if m.type == MessageType.ANSWERED)
        await eventually(lambda: asyncio.to_thread(
            lambda: next(m for m in outbox(b.engine) if m.message_id == answered.message_id
                         ).delivered_at), "B's answer delivered")
        body = json.dumps(answered.envelope).encode()
        async with httpx.AsyncClient(timeout=20) as raw:
            r = await raw.post(a.url + EXCHANGE_PATH, content=body, headers=signed_headers(
                SECRET, "GE-homeward", answered.message_id, body))
        assert r.status_code == 200 and r.json()["status"] == "duplicate", r.text
        assert (await _live(api_a, early, lambda v: True))["version"] == live_a["version"]
        # A's caseworker then chooses another partner: B is told (case.withdrawn), its
        # proposed case shows withdrawn and closed, and an answer is no longer taken.
        await ok(api_a.post(f"/cases/{early}/partner", json={"partner_id": "GE-local"}))
        [withdrawn] = await eventually(lambda: _proposals(
            api_b, lambda p: p["status"] == "withdrawn"), "B sees the proposal withdrawn")
        assert withdrawn["case_id"] == proposal["case_id"]
        assert withdrawn["reason"] == "another_partner"
        r = await api_b.post(f"/exchange/proposals/{proposal['case_id']}/answer",
                             json={"accept": True})
        assert r.status_code == 409, r.text
        closed_b = next(c for c in cases(b.engine) if c.id == proposal["case_id"])
        assert closed_b.status == CaseStatus.CLOSED
        await eventually(lambda: _timeline_has(
            api_a, early, "case withdrawn from partner GE-homeward (another partner chosen)"),
            "A's timeline says the case was withdrawn from B")

        # Another case chosen for B, which declines it: A's caseworker chooses another partner.
        declined = await proposable_case(a, "Giorgi", "Lomidze")
        await ok(api_a.post(f"/cases/{declined}/partner", json={"partner_id": "GE-homeward"}))
        [proposal] = await eventually(lambda: _proposals(
            api_b, lambda p: p["status"] == "pending"), "B sees the second proposal")
        await ok(api_b.post(f"/exchange/proposals/{proposal['case_id']}/answer",
                            json={"accept": False, "reason": "no capacity in Kutaisi"}))
        live_a = await eventually(lambda: _live(
            api_a, declined, lambda v: v["partner"]["answer"] == "declined"), "A takes the decline")
        assert live_a["partner"]["reason"] == "no capacity in Kutaisi"
        await ok(api_a.post(f"/cases/{declined}/partner", json={"partner_id": "GE-local"}))
        assert (await _live(api_a, declined, lambda v: True))["partner"]["partner_id"] == "GE-local"
        # A case closed before departure while B's answer is pending: withdrawn from B too.
        closing = await proposable_case(a, "Nana", "Kapanadze")
        await ok(api_a.post(f"/cases/{closing}/partner", json={"partner_id": "GE-homeward"}))
        [proposal] = await eventually(lambda: _proposals(
            api_b, lambda p: p["status"] == "pending"), "B sees the third proposal")
        await ok(api_a.post(f"/cases/{closing}/closure/proposal",
                            json={"reason": "withdrawn", "note": "stays in Latvia"}))
        await ok(api_a.post(f"/cases/{closing}/closure/decision", headers=SUPERVISOR,
                            json={"approve": True, "reason": "as proposed"}))
        [withdrawn] = await eventually(lambda: _proposals(
            api_b, lambda p: p["reason"] == "case_closed"), "B sees the closed case withdrawn")
        assert (withdrawn["case_id"], withdrawn["status"]) == (proposal["case_id"], "withdrawn")
        assert len(cases(b.engine)) == 5  # each proposal opened one case on B


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
