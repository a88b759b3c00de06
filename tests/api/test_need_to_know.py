"""Need to know: a case with a trafficking victim (or an unaccompanied minor, or marked
sensitive) exists only for its assignee, supervisors and those given access; to anyone else
it is absent from every list and count and "not found" on every route."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.settings import Settings
from models.enums import Stage
from models.protection import CaseAccess
from models.tables import Case
from models.users import User
from tests.api.protection_helpers import give_emails, open_case, person_case, until, with_smtp
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.tokens import bearer

CW2, SUP = bearer("caseworker2"), bearer("supervisor")


@pytest.fixture
def settings(settings: Settings, smtp_server: SmtpServer) -> Settings:  # noqa: F811
    return with_smtp(settings, smtp_server)


async def _restricted_and_open(api: httpx.AsyncClient) -> tuple[dict, dict]:
    hidden = await open_case(api, person_case("Ketevan", "Lomidze", "trafficking_victim"))
    shown = await open_case(api, person_case("Levan", "Kapanadze"))
    return hidden, shown


def _refs(r: httpx.Response) -> set[str]:
    assert r.status_code == 200, r.text
    return {c["reference"] for c in r.json()["data"]}


async def test_a_trafficking_victims_case_is_absent_for_a_second_caseworker_everywhere(
    api: httpx.AsyncClient, engine: Engine,
) -> None:
    hidden, shown = await _restricted_and_open(api)
    ref, cid = hidden["reference"], hidden["id"]
    # The workflow projects the case once opened: let that land first, or it writes its stage
    # and departure date over the ones set by hand below.
    version = (await api.get(f"/cases/{cid}")).json()["live"]["version"]

    async def opened() -> bool:
        with Session(engine) as session:
            row = session.get(Case, cid)
            return row is not None and row.projected_version >= version
    await until(opened)
    with Session(engine) as session:
        case = session.get(Case, cid)
        assert case is not None and case.restricted
        # On the departures list and the dashboard's departures this week too.
        case.stage, case.departure_date = Stage.TRAVEL, date.today()
        session.add(case)
        session.commit()

    # The case list and its count, the person search, the earlier-cases notice.
    mine, theirs = await api.get("/cases"), await api.get("/cases", headers=CW2)
    assert ref in _refs(mine) and ref not in _refs(theirs)
    assert theirs.json()["count"] == mine.json()["count"] - 1
    assert ref in _refs(await api.get("/cases", headers=SUP))
    assert _refs(await api.get("/cases?person=Lomidze", headers=CW2)) == set()
    assert _refs(await api.get("/cases?person=Lomidze")) == {ref}
    again = await open_case(api, person_case("Ketevan", "Lomidze"), **CW2)
    assert again["possible_earlier_cases"] == []
    assert _refs(await api.get("/cases?person=Ketevan Lomidze", headers=CW2)) == {
        again["reference"]}

    # The work queue and its counts (the workflow's tasks projected first).
    async def projected() -> bool:
        r = await api.get("/tasks", headers=SUP)
        return {cid, shown["id"]} <= {t["case_id"] for t in r.json()["data"]}
    await until(projected)
    for path in ("/tasks", "/tasks?assignee=caseworker"):
        assert cid not in {t["case_id"] for t in (await api.get(path, headers=CW2)).json()["data"]}
        assert cid in {t["case_id"] for t in (await api.get(path)).json()["data"]}
    counts_cw2 = (await api.get("/tasks/counts", headers=CW2)).json()["total"]
    counts_sup = (await api.get("/tasks/counts", headers=SUP)).json()["total"]
    assert counts_cw2 == counts_sup - sum(
        1 for t in (await api.get("/tasks", headers=SUP)).json()["data"] if t["case_id"] == cid)

    # Every case route: not found, not forbidden.
    for path in ("", "/household", "/timeline", "/notes", "/documents", "/costs",
                 "/referrals", "/access", "/reintegration"):
        assert (await api.get(f"/cases/{cid}{path}", headers=CW2)).status_code == 404, path
        assert (await api.get(f"/cases/{cid}{path}")).status_code == 200, path
        assert (await api.get(f"/cases/{cid}{path}", headers=SUP)).status_code == 200, path
    decision = await api.post(f"/cases/{cid}/counselling-sessions", headers=CW2, json={
        "held_on": "2026-01-05", "place": "Mucenieki", "language": "ka", "interpreter": True})
    assert decision.status_code == 404
    note = await api.post(f"/cases/{cid}/notes", json={"text": "x"}, headers=CW2)
    assert note.status_code == 404

    # The web pages: the case, the list, the person search, the dashboard, departures.
    assert (await api.get(f"/ui/cases/{cid}", headers=CW2)).status_code == 404
    for page in ("/ui/cases", "/ui/cases?person=Lomidze", "/ui", "/ui/departures"):
        assert ref not in (await api.get(page, headers=CW2)).text, page
        assert ref in (await api.get(page, headers=SUP)).text, page
    assert shown["reference"] in (await api.get("/ui/cases", headers=CW2)).text


async def test_access_given_shows_the_case_and_removed_hides_it_both_audited(
    api: httpx.AsyncClient,
) -> None:
    hidden, _ = await _restricted_and_open(api)
    cid = hidden["id"]
    assert (await api.post(f"/cases/{cid}/access/caseworker2", headers=bearer("caseworker"))
            ).status_code == 403
    r = await api.post(f"/cases/{cid}/access/caseworker2", headers=SUP,
                       json={"reason": "covers the case during leave"})
    assert r.status_code == 201, r.text
    assert [(g["user_id"], g["reason"]) for g in r.json()["grants"]] == [
        ("caseworker2", "covers the case during leave")]
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 200
    assert hidden["reference"] in _refs(await api.get("/cases", headers=CW2))
    assert (await api.get(f"/cases/{cid}/access", headers=CW2)).json()["grants"][0][
        "full_name"] == "Jānis Caseworker"

    assert (await api.delete(f"/cases/{cid}/access/caseworker2", headers=SUP)).status_code == 204
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 404
    assert hidden["reference"] not in _refs(await api.get("/cases", headers=CW2))
    assert (await api.delete(f"/cases/{cid}/access/caseworker2", headers=SUP)).status_code == 404
    audit = (await api.get(f"/cases/{cid}/audit", headers=SUP)).json()["data"]
    actions = {(e["action"], e["actor_id"], e["outcome"]) for e in audit}
    assert ("POST /cases/{case_id}/access/{user_id}", "supervisor", "success") in actions
    assert ("DELETE /cases/{case_id}/access/{user_id}", "supervisor", "success") in actions
    assert ("GET /cases/{case_id}", "caseworker2", "rejected") in actions


async def test_break_glass_with_a_reason_opens_the_case_audits_and_tells_the_supervisors(
    api: httpx.AsyncClient, engine: Engine, users: dict[str, User],
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    give_emails(engine, users, supervisor="mara@iom.test", supervisor2="ilze@iom.test")
    hidden, shown = await _restricted_and_open(api)
    cid = hidden["id"]
    refused = await api.post(f"/cases/{cid}/break-glass", headers=CW2, json={})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "reason"
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 404
    assert (await api.post(f"/cases/{shown['id']}/break-glass", headers=CW2,
                           json={"reason": "the person is at the airport now"})).status_code == 409

    r = await api.post(f"/cases/{cid}/break-glass", headers=CW2,
                       json={"reason": "the person is at the airport now"})
    assert r.status_code == 201, r.text
    [grant] = r.json()["grants"]
    assert grant["break_glass"] and grant["expires_at"] and grant["user_id"] == "caseworker2"
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 200

    mails = [m for m in smtp_server.inbox.received if "Break glass" in m.subject]
    assert len(mails) == 1
    assert set(mails[0].rcpt_tos) == {"mara@iom.test", "ilze@iom.test"}
    assert hidden["reference"] in mails[0].subject
    assert "the person is at the airport now" in mails[0].body
    notes = (await api.get("/notifications", headers=SUP)).json()["data"]
    assert any(hidden["reference"] in n["subject"] for n in notes)
    audit = (await api.get(f"/cases/{cid}/audit", headers=SUP)).json()["data"]
    assert ("POST /cases/{case_id}/break-glass", "caseworker2", "success") in {
        (e["action"], e["actor_id"], e["outcome"]) for e in audit}

    # Hours later the access has run out: the case is gone again.
    with Session(engine) as session:
        session.execute(update(CaseAccess).where(col(CaseAccess.case_id) == cid).values(
            expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        session.commit()
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 404
    assert hidden["reference"] not in _refs(await api.get("/cases", headers=CW2))


async def test_a_supervisor_marks_a_case_sensitive_with_a_reason(api: httpx.AsyncClient) -> None:
    _, shown = await _restricted_and_open(api)
    cid = shown["id"]
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 200
    assert (await api.post(f"/cases/{cid}/sensitive", json={"reason": "threats by a relative"})
            ).status_code == 403
    no_reason = await api.post(f"/cases/{cid}/sensitive", json={}, headers=SUP)
    assert no_reason.status_code == 422
    r = await api.post(f"/cases/{cid}/sensitive", json={"reason": "threats by a relative"},
                       headers=SUP)
    assert r.status_code == 200 and r.json()["restricted"]
    assert r.json()["sensitive_reason"] == "threats by a relative"
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 404
    assert (await api.get(f"/cases/{cid}")).status_code == 200  # the assignee
    r = await api.delete(f"/cases/{cid}/sensitive", headers=SUP)
    assert r.status_code == 200 and not r.json()["restricted"]
    assert (await api.get(f"/cases/{cid}", headers=CW2)).status_code == 200

