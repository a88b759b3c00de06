"""The service directory (admins write, staff read) and referrals: under a recorded consent,
by e-mail exactly once, by phone recorded, the outcome recorded later, an overdue one on the
stuck list; a partner refers after the return, on its own cases only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from api.referral_counts import referral_counts
from api.reports import Window
from core.settings import Settings
from models.enums import Stage
from models.protection import Referral
from models.tables import Case
from tests.api.protection_helpers import open_case, person_case, until, with_smtp
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.tokens import bearer

ADMIN, SUP, PARTNER = bearer("admin"), bearer("supervisor"), bearer("partner")
HOTLINE = {"name": "Drošā māja trafficking hotline", "country": "lv", "kind": "hotline",
           "phone": "+371 28612120", "email": "hotline@drosa-maja.example",
           "languages": ["lv", "ru"]}


@pytest.fixture
def settings(settings: Settings, smtp_server: SmtpServer) -> Settings:  # noqa: F811
    return with_smtp(settings, smtp_server)


async def _hotline(api: httpx.AsyncClient) -> str:
    r = await api.post("/services", json=HOTLINE, headers=ADMIN)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _case_with_person(api: httpx.AsyncClient) -> tuple[str, str]:
    case = await open_case(api, person_case("Ketevan", "Lomidze", "trafficking_victim"))
    household = (await api.get(f"/cases/{case['id']}/household")).json()
    return case["id"], household[0]["id"]


async def test_the_service_directory_is_kept_by_admins_and_read_by_staff(
    api: httpx.AsyncClient,
) -> None:
    sid = await _hotline(api)
    assert (await api.post("/services", json=HOTLINE)).status_code == 403
    bad = await api.post("/services", json=HOTLINE | {"email": "not-an-address"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "email"]
    bad = await api.post("/services", json=HOTLINE | {"kind": "astrology"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "kind"]
    listed = (await api.get("/services?country=LV&kind=hotline")).json()
    assert [(s["name"], s["country"], s["phone"]) for s in listed["data"]] == [
        (HOTLINE["name"], "LV", "+371 28612120")]
    r = await api.patch(f"/services/{sid}", json={"languages": ["lv", "ru", "en"]}, headers=ADMIN)
    assert r.status_code == 200 and r.json()["languages"] == ["lv", "ru", "en"]
    bad = await api.patch(f"/services/{sid}", json={"phone": "call me"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "phone"]
    assert (await api.patch("/services/nope", json={}, headers=ADMIN)).status_code == 404


async def test_a_referral_needs_consent_is_mailed_once_and_its_outcome_is_recorded(
    api: httpx.AsyncClient, engine: Engine, smtp_server: SmtpServer,  # noqa: F811
) -> None:
    sid = await _hotline(api)
    cid, member = await _case_with_person(api)
    referral = {"member_id": member, "provider_id": sid, "channel": "email",
                "reason": "trafficking indicators found in counselling"}
    refused = await api.post(f"/cases/{cid}/referrals", json=referral)
    assert refused.status_code == 409 and "consent" in refused.json()["detail"]
    assert smtp_server.inbox.to("hotline@drosa-maja.example") == []

    bad = await api.post(f"/cases/{cid}/referrals/consents", json={
        "member_id": member, "given_by": "the person", "given_on": "2026-01-05",
        "document_id": "no-such-document"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "document_id"]
    consent = await api.post(f"/cases/{cid}/referrals/consents", json={
        "member_id": member, "given_by": "the person", "given_on": "2026-01-05"})
    assert consent.status_code == 201, consent.text

    first = await api.post(f"/cases/{cid}/referrals", json=referral)
    assert first.status_code == 201, first.text
    again = await api.post(f"/cases/{cid}/referrals", json=referral)  # a retry
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    [mail] = smtp_server.inbox.to("hotline@drosa-maja.example")
    assert "Lomidze" in mail.body and "trafficking indicators" in mail.body
    assert str(mail.message["Message-ID"]) == first.json()["message_id"]
    assert first.json()["consent_id"] == consent.json()["id"]

    phone = await api.post(f"/cases/{cid}/referrals", json=referral | {"channel": "phone"})
    assert phone.status_code == 201 and phone.json()["message_id"] is None
    assert len(smtp_server.inbox.to("hotline@drosa-maja.example")) == 1

    done = await api.post(f"/cases/{cid}/referrals/{first.json()['id']}/outcome", json={
        "outcome": "accepted", "outcome_on": "2026-01-07", "answer": "intake on Friday"})
    assert done.status_code == 200, done.text
    assert (done.json()["outcome"], done.json()["answer"]) == ("accepted", "intake on Friday")
    listed = (await api.get(f"/cases/{cid}/referrals")).json()
    assert [r["outcome"] for r in listed["data"]] == [None, "accepted"]
    assert len(listed["consents"]) == 1

    with Session(engine) as session:
        project = session.get(Case, cid).project_id  # type: ignore[union-attr]
        counts = referral_counts(session, project, (date.today(), date.today()))
        assert referral_counts(session, project, Window(None, date.today())) == counts
        assert referral_counts(session, project, (date(2020, 1, 1), date(2020, 12, 31)))[
            "total"] == 0
    assert counts == {"total": 2, "by_kind": {"hotline": 2},
                      "by_outcome": {"accepted": 1, "pending": 1},
                      "by_kind_and_outcome": {"hotline": {"accepted": 1, "pending": 1}},
                      "after_return": 0}


async def test_a_referral_without_outcome_after_the_set_days_is_on_the_stuck_list(
    api: httpx.AsyncClient, engine: Engine,
) -> None:
    sid = await _hotline(api)
    cid, member = await _case_with_person(api)
    await api.post(f"/cases/{cid}/referrals/consents", json={
        "member_id": member, "given_by": "the person", "given_on": "2026-01-05"})
    r = await api.post(f"/cases/{cid}/referrals", json={
        "member_id": member, "provider_id": sid, "channel": "phone", "reason": "needs shelter"})
    assert r.status_code == 201
    stuck = (await api.get("/supervision/stuck?reason=referral_without_outcome", headers=SUP))
    assert cid not in {c["case_id"] for c in stuck.json()["data"]}
    with Session(engine) as session:
        session.execute(update(Referral).where(col(Referral.case_id) == cid).values(
            sent_at=datetime.now(UTC) - timedelta(days=15)))
        session.commit()
    for query in ("?reason=referral_without_outcome", ""):
        stuck = (await api.get(f"/supervision/stuck{query}", headers=SUP)).json()
        [found] = [c for c in stuck["data"] if c["case_id"] == cid]
        assert "referral_without_outcome" in {x["reason"] for x in found["reasons"]}
    assert (await api.get(f"/cases/{cid}/referrals")).json()["data"][0]["overdue"]
    # And on the assignee's dashboard, as a task.
    reference = (await api.get(f"/cases/{cid}")).json()["reference"]
    panel = (await api.get("/ui")).text.split('data-testid="referrals-due"')[1]
    assert reference in panel.split("</table>")[0]
    panel = (await api.get("/ui", headers=bearer("caseworker2"))).text
    assert reference not in panel.split('data-testid="referrals-due"')[1].split("</table>")[0]


async def test_a_partner_refers_after_the_return_on_its_own_cases_only(
    api: httpx.AsyncClient, engine: Engine,
) -> None:
    sid = await _hotline(api)
    theirs, member = await _case_with_person(api)
    other, other_member = await _case_with_person(api)
    def handed_over() -> None:  # as if the cases had travelled (set by hand)
        with Session(engine) as session:
            for case_id, stage in ((theirs, Stage.INTAKE), (other, Stage.ARRIVAL)):
                case = session.get(Case, case_id)
                assert case is not None
                case.partner_id, case.stage = ("GE-partner" if case_id == theirs else None), stage
                session.add(case)
            session.commit()

    handed_over()
    body = {"member_id": member, "provider_id": sid, "channel": "phone",
            "reason": "psychosocial support after return"}
    r = await api.post(f"/cases/{theirs}/referrals/consents", headers=PARTNER, json={
        "member_id": member, "given_by": "the person", "given_on": "2026-02-01"})
    assert r.status_code == 201, r.text

    # The consent's fact goes in the case's history: the workflow projects the case again
    # (over the values set by hand above, which are set again once it has).
    async def in_history() -> bool:
        entries = (await api.get(f"/cases/{theirs}/timeline")).json()["data"]
        return any("referral consent given" in e["summary"] for e in entries)
    await until(in_history)
    handed_over()
    before = await api.post(f"/cases/{theirs}/referrals", json=body, headers=PARTNER)
    assert before.status_code == 409 and "after their return" in before.json()["detail"]
    not_theirs = await api.post(f"/cases/{other}/referrals", headers=PARTNER,
                                json=body | {"member_id": other_member})
    assert not_theirs.status_code == 404

    with Session(engine) as session:
        case = session.get(Case, theirs)
        assert case is not None
        case.stage = Stage.REINTEGRATION
        session.add(case)
        session.commit()
    made = await api.post(f"/cases/{theirs}/referrals", json=body, headers=PARTNER)
    assert made.status_code == 201, made.text
    assert made.json()["after_return"] and made.json()["made_by"] == "partner"
    listed = (await api.get(f"/cases/{theirs}/referrals", headers=PARTNER)).json()["data"]
    assert [r["id"] for r in listed] == [made.json()["id"]]
    out = await api.post(f"/cases/{theirs}/referrals/{made.json()['id']}/outcome",
                         headers=PARTNER, json={"outcome": "service_given",
                                                "outcome_on": "2026-03-01"})
    assert out.status_code == 200 and out.json()["outcome"] == "service_given"
