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

The two installations and the steps are in tests/e2e/installations.py, the
``installations`` fixture in tests/e2e/conftest.py.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx
import pytest

from activities.exchange_outbox import signed_headers
from models.enums import CaseStatus
from models.exchange import EXCHANGE_PATH, MessageType
from models.policy import ScoringPolicy
from tests.api.test_projects import ADMIN, project_json
from tests.e2e.installations import (
    TODAY,
    Installation,
    _live,
    _proposals,
    _timeline_has,
    cases,
    departed_case_csv,
    eventually,
    ok,
    outbox,
    proposable_case,
)
from tests.tokens import bearer

pytestmark = pytest.mark.e2e
SECRET = "exchange-secret-shared-by-both-sides"
SUPERVISOR = bearer("supervisor")


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
