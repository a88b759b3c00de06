"""Consent by purpose, per person: the partner package carries only those whose partner
consent is in force (the household's consent of the intake for the others), a referral is
refused once the consent to refer is withdrawn and the provider already referred to is told,
the embassy is not asked about a person who refused; the workflow learns facts only; the
subject access export lists it all and the retention job erases the personal part."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError

from activities.embassy import EmbassyActivities, SimulatedEmbassy
from activities.partner_activities import PartnerActivities
from activities.partners import SimulatedPartners
from activities.retention import erase_protection
from api import consent as consent_service
from core.settings import Settings
from models.consent import ConsentStatus, MinorHandover, Purpose, PurposeConsent
from models.enums import Role
from models.external import EMBASSY_REFUSED, DocumentRequest, HandoverRequest
from models.partners import Partner
from models.people import Actor
from models.privacy import ANONYMISED
from models.protection import Referral
from models.tables import Case
from tests.api.protection_helpers import open_case, person_case, until, with_smtp
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.tokens import bearer

HOTLINE = {"name": "Drošā māja trafficking hotline", "country": "lv", "kind": "hotline",
           "phone": "+371 28612120", "email": "hotline@drosa-maja.example", "languages": ["lv"]}


@pytest.fixture
def settings(settings: Settings, smtp_server: SmtpServer) -> Settings:  # noqa: F811
    return with_smtp(settings, smtp_server)


async def test_what_is_sent_about_each_person_follows_their_consent_for_the_purpose(
    api: httpx.AsyncClient, engine: Engine, settings: Settings,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    body = person_case("Ketevan", "Lomidze", "trafficking_victim")
    body["dependants"] = [{"given_name": "Nino", "family_name": "Lomidze", "sex": "female",
                           "date_of_birth": "1990-02-03", "nationality": "GE",
                           "relationship": "spouse"}]
    case = await open_case(api, body)
    cid = case["id"]
    ketevan, nino = (m["id"] for m in (await api.get(f"/cases/{cid}/household")).json())
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="Georgian Partner", country="GE",
                            contact_email="ops@ge-partner.example"))
        session.commit()

    # Partner: Nino refuses; Ketevan has no statement, so the household's consent covers her.
    r = await api.post(f"/cases/{cid}/consents", json={
        "member_id": nino, "purpose": "partner", "status": "refused", "on": "2026-01-05",
        "given_by": "Nino Lomidze"})
    assert r.status_code == 201, r.text
    partners = SimulatedPartners()
    await PartnerActivities(partners, engine).hand_over(HandoverRequest(
        case_id=cid, handover_key="k1", country_of_origin="GE", departed_on=date(2026, 2, 1)))
    [(_, package, _)] = partners.received.values()
    assert [t.given_name for t in package.household] == ["Ketevan"]
    assert "Nino" not in package.model_dump_json()

    # Withdrawing what was never given is refused; an unknown person is a field error.
    r = await api.post(f"/cases/{cid}/consents", json={
        "member_id": ketevan, "purpose": "referral", "status": "withdrawn", "on": "2026-01-06"})
    assert r.status_code == 409 and "no consent" in r.json()["detail"]
    r = await api.post(f"/cases/{cid}/consents", json={
        "member_id": "nobody", "purpose": "referral", "status": "given", "on": "2026-01-06"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "member_id"]

    # Referral: given, referred by e-mail, withdrawn: the hotline is told, no new referral.
    sid = (await api.post("/services", json=HOTLINE, headers=bearer("admin"))).json()["id"]
    r = await api.post(f"/cases/{cid}/consents", json={
        "member_id": ketevan, "purpose": "referral", "status": "given", "on": "2026-01-06",
        "given_by": "Ketevan Lomidze"})
    assert r.status_code == 201
    referral = {"member_id": ketevan, "provider_id": sid, "channel": "email",
                "reason": "trafficking indicators found in counselling"}
    r = await api.post(f"/cases/{cid}/referrals", json=referral)
    assert r.status_code == 201, r.text
    r = await api.post(f"/cases/{cid}/consents", json={
        "member_id": ketevan, "purpose": "referral", "status": "withdrawn", "on": "2026-01-09"})
    assert r.status_code == 201, r.text
    [_referral, notice] = smtp_server.inbox.to("hotline@drosa-maja.example")
    assert "withdrew on 09.01.2026" in notice.body and "Lomidze" in notice.body
    refused = await api.post(f"/cases/{cid}/referrals", json=referral | {"channel": "phone"})
    assert refused.status_code == 409
    assert "Ketevan Lomidze's consent to be referred is withdrawn" in refused.json()["detail"]
    assert len(smtp_server.inbox.to("hotline@drosa-maja.example")) == 2

    view = (await api.get(f"/cases/{cid}/consents")).json()
    by_member = {f["member_id"]: f for f in view["in_force"]}
    assert by_member[ketevan]["purposes"]["referral"] == "withdrawn"
    assert by_member[ketevan]["may_send"] == {"partner": True, "referral": False,
                                              "embassy": True, "installation": True}
    assert by_member[nino]["may_send"]["partner"] is False
    assert [n["recipients"] for n in view["notices"]] == ["hotline@drosa-maja.example"]

    # The workflow learns the facts, for the case's history: no names.
    async def told() -> bool:
        entries = (await api.get(f"/cases/{cid}/timeline")).json()["data"]
        return any("referral consent withdrawn for 1 person(s), 1 recipient(s) told"
                   in e["summary"] for e in entries)
    await until(told)
    timeline = (await api.get(f"/cases/{cid}/timeline")).text
    assert "Lomidze" not in timeline and "Ketevan" not in timeline

    # Embassy: Nino refuses; a request naming her is not sent, with the reason.
    await api.post(f"/cases/{cid}/consents", json={
        "member_id": nino, "purpose": "embassy", "status": "refused", "on": "2026-01-10"})
    embassy = SimulatedEmbassy()
    with pytest.raises(ApplicationError) as err:
        await EmbassyActivities(embassy, engine).request_travel_document(DocumentRequest(
            case_id=cid, request_key="r1", country_of_origin="GE", member_ids=[ketevan, nino]))
    assert err.value.type == EMBASSY_REFUSED and "1 person(s)" in str(err.value)
    r = await api.post(f"/cases/{cid}/travel-documents/assessment",
                       json={"planned_departure": "2026-03-01"})
    assert r.status_code == 409
    assert "Nino Lomidze refused or withdrew consent to share their data with the embassy" in (
        r.json()["detail"])
    page = (await api.get(f"/ui/cases/{cid}")).text
    assert 'data-testid="embassy-blocked"' in page and "Nino Lomidze refused" in page

    # The subject access export lists her consents and referrals.
    export = (await api.get(f"/people/{ketevan}/export", headers=bearer("admin"))).json()
    assert [c["status"] for c in export["consents"]] == ["withdrawn", "given"]
    assert [r["reason"] for r in export["referrals"]] == [referral["reason"]]
    assert export["minor_handover"] is None

    # Ketevan withdraws what the household's consent gave the partner, who already has her
    # data: the partner is told, once, and the next package leaves her out as well.
    with Session(engine, expire_on_commit=False) as session:
        handed = session.get(Case, cid)
        assert handed is not None
        handed.partner_id = "GE-partner"  # as the handover's projection records it
        withdrawn = consent_service.record(
            session, handed, ketevan, Purpose.PARTNER, ConsentStatus.WITHDRAWN,
            date(2026, 2, 10), "Ketevan Lomidze", None, Actor(id="cw", role=Role.CASEWORKER))
    [told] = await consent_service.tell_the_informed(engine, settings, handed, withdrawn)
    assert told.recipients == "ops@ge-partner.example" and told.sent_at is not None
    [mail] = smtp_server.inbox.to("ops@ge-partner.example")
    assert "withdrew on 10.02.2026" in mail.body
    assert await consent_service.tell_the_informed(engine, settings, handed, withdrawn) == [told]
    assert len(smtp_server.inbox.to("ops@ge-partner.example")) == 1
    await PartnerActivities(partners, engine).hand_over(HandoverRequest(
        case_id=cid, handover_key="k2", country_of_origin="GE", departed_on=date(2026, 2, 1)))
    assert partners.received["k2"][1].household == []

    # A minor's handover is recorded after departure only; a refused record is not kept.
    r = await api.post(f"/cases/{cid}/minors/handover-records", json={
        "member_id": nino, "handed_over_on": "2026-01-10", "to_kind": "parent",
        "to_name": "Tamar Lomidze", "relationship": "mother", "identity_checked": True})
    assert r.status_code == 409 and "after departure" in r.json()["detail"]
    assert (await api.get(f"/cases/{cid}/minors/handover-records")).json() == []

    # Anonymisation erases the personal content, keeps the facts reports count.
    with Session(engine) as session:
        record_id = str(uuid.uuid4())
        session.add(MinorHandover(id=record_id, case_id=cid, member_id=nino,
                                  handed_over_on=date(2026, 2, 2), to_kind="parent",
                                  to_name="Tamar Lomidze", relationship="mother",
                                  identity_checked=True, identity_check="ID card",
                                  recorded_by="x"))
        session.commit()
        # The decision takes the record's id; the workflow gets its facts, read from it.
        r = await api.post(f"/cases/{cid}/minors/handover", json={"handover_id": "nope"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "handover_id"]
        r = await api.post(f"/cases/{cid}/minors/handover", json={"handover_id": record_id})
        assert r.status_code == 409 and "after departure" in r.json()["detail"]
        erase_protection(session, cid)
        session.commit()
        rows = session.exec(select(Referral).where(Referral.case_id == cid)).all()
        assert {(r.reason, r.answer, r.channel.value) for r in rows} == {(ANONYMISED, None, "email")}
        consents = session.exec(select(PurposeConsent).where(PurposeConsent.case_id == cid))
        assert {(c.given_by, c.document_id) for c in consents} == {(None, None)}
        handover = session.exec(select(MinorHandover).where(MinorHandover.case_id == cid)).one()
        assert (handover.to_name, handover.identity_check, handover.identity_checked) == (
            ANONYMISED, None, True)
