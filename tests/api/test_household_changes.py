"""A case's people after intake through the API: corrections with their history, later
findings, members joining and leaving; the workflow gets the facts, the database the rest."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.web.queries import returns_per_month
from models.enums import Stage
from models.person_changes import PersonChange
from models.tables import Case, HouseholdMember
from tests.api.test_import import upload
from tests.factories import CASE_JSON, default_project_id
from tests.tokens import bearer

MISSPELT = CASE_JSON | {"principal": CASE_JSON["principal"] | {"family_name": "Bredize"}}


async def new_case(api: httpx.AsyncClient, data: dict[str, Any] = MISSPELT) -> tuple[str, str]:
    r = await api.post("/cases", json=data)
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    household = (await api.get(f"/cases/{case_id}/household")).json()
    return case_id, household[0]["id"]


async def live(api: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    return (await api.get(f"/cases/{case_id}")).json()["live"]  # type: ignore[no-any-return]


async def until(check: Any, what: str) -> None:
    """The worker projects after the decision returns: wait for it."""
    for _ in range(100):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(what)


def db_member(engine: Engine, member_id: str) -> HouseholdMember:
    with Session(engine) as session:
        row = session.get(HouseholdMember, member_id)
        assert row is not None
        return row


async def test_a_corrected_name_is_kept_in_the_history_audited_and_found(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_id, member_id = await new_case(api)
    url = f"/cases/{case_id}/people/{member_id}"
    before = datetime.now(UTC)
    r = await api.patch(url, json={"family_name": "Beridze", "reason": "passport spelling"})
    assert r.status_code == 200, r.text
    assert r.json()["family_name"] == "Beridze"

    changes = (await api.get(f"{url}/changes")).json()
    assert changes["count"] == 1
    change = changes["data"][0]
    assert (change["field"], change["old_value"], change["new_value"], change["reason"]) == (
        "family_name", "Bredize", "Beridze", "passport spelling")
    assert (change["changed_by"], change["changed_by_name"]) == ("caseworker", "Anna Caseworker")
    changed_at = datetime.fromisoformat(change["changed_at"])
    assert changed_at.replace(tzinfo=changed_at.tzinfo or UTC) >= before - timedelta(seconds=1)
    # A name is no fact the workflow decides on: it never hears of it.
    assert "Beridze" not in str(await live(api, case_id))

    audit = (await api.get(f"/cases/{case_id}/audit", headers=bearer("auditor"))).json()
    actions = {(e["action"], e["actor_id"], e["outcome"]) for e in audit["data"]}
    assert ("PATCH /cases/{case_id}/people/{member_id}", "caseworker", "success") in actions
    assert ("GET /cases/{case_id}/people/{member_id}/changes", "caseworker", "success") in actions

    export = (await api.get(f"/people/{member_id}/export", headers=bearer("admin"))).json()
    assert [(c["field"], c["old_value"], c["new_value"]) for c in export["changes"]] == [
        ("family_name", "Bredize", "Beridze")]

    found = (await api.get("/cases", params={"person": "Beridze Giorgi"})).json()
    assert case_id in [c["id"] for c in found["data"]]
    gone = (await api.get("/cases", params={"person": "Bredize"})).json()
    assert case_id not in [c["id"] for c in gone["data"]]


async def test_bad_corrections_are_422_naming_the_field(api: httpx.AsyncClient) -> None:
    case_id, member_id = await new_case(api)
    url = f"/cases/{case_id}/people/{member_id}"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for body, field in (
        ({"nationality": "Georgia", "reason": "x"}, "nationality"),
        ({"date_of_birth": tomorrow, "reason": "x"}, "date_of_birth"),
        ({"family_name": "Beridze"}, "reason"),
        ({"family_name": "", "reason": "x"}, "family_name"),
        ({"passport_number": "GE1234567", "reason": "x"}, "passport_valid_until"),
        ({"family_name": "Bredize", "reason": "x"}, "family_name"),  # nothing changes
    ):
        r = await api.patch(url, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in str(r.json()["detail"]), (body, r.json())
    r = await api.patch(f"/cases/{case_id}/people/nobody", json={"sex": "female", "reason": "x"})
    assert r.status_code == 404


async def test_a_date_of_birth_correction_making_a_minor_adds_the_minors_steps(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_id, member_id = await new_case(api)
    r = await api.patch(f"/cases/{case_id}/people/{member_id}",
                        json={"date_of_birth": "2012-04-12", "reason": "birth certificate"})
    assert r.status_code == 200, r.text
    state = await live(api, case_id)
    assert state["household"][0]["is_minor"] is True
    assert {s["kind"] for s in state["steps"]} == {
        "guardian_consent", "best_interests_assessment", "reception_arrangement"}
    await until(lambda: db_member(engine, member_id).vulnerabilities == ["unaccompanied_minor"],
                "the derived flag never reached the database")
    with Session(engine) as session:
        rows = session.exec(select(PersonChange).where(PersonChange.member_id == member_id)).all()
    assert [(c.field, c.old_value, c.new_value) for c in rows] == [
        ("date_of_birth", "1988-04-12", "2012-04-12")]


async def test_a_correction_the_workflow_refuses_leaves_the_database_unchanged(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    project_id = default_project_id(engine)
    csv = (
        b"external_ref,relationship,given_name,family_name,date_of_birth,sex,nationality,"
        b"country_of_origin,legal_situation,location_type,intake_date,stage,consent_signed_on,"
        b"departure_date\n"
        b"GONE-1,principal,Levan,Kapanadze,1985-03-02,male,GE,GE,rejected_asylum_seeker,"
        b"reception_centre,2026-01-10,departed,2026-01-20,2026-03-05\n"
    )
    r = await upload(api, project_id, csv)
    assert r.status_code == 200 and r.json()["imported"], r.text
    with Session(engine) as session:
        member = session.exec(
            select(HouseholdMember).where(HouseholdMember.family_name == "Kapanadze")).one()
    url = f"/cases/{member.case_id}/people/{member.id}"
    r = await api.patch(url, json={"family_name": "Kapanadse", "date_of_birth": "2010-03-02",
                                   "reason": "wrong document"})
    assert r.status_code == 409, r.text
    assert "departed" in r.json()["detail"]
    after = db_member(engine, member.id)
    assert (after.family_name, after.date_of_birth) == ("Kapanadze", date(1985, 3, 2))
    assert (await api.get(f"{url}/changes")).json()["count"] == 0
    # A name alone is corrected after departure too: no fact of the workflow's changes.
    r = await api.patch(url, json={"family_name": "Kapanadse", "reason": "passport spelling"})
    assert r.status_code == 200, r.text


async def test_a_later_finding_reaches_the_household_rows_and_the_report(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_id, member_id = await new_case(api)
    r = await api.post(f"/cases/{case_id}/findings", json={
        "member_id": member_id, "vulnerability": "trafficking_victim", "found": True,
        "reason": "indicators in the second session"})
    assert r.status_code == 200, r.text
    assert {s["kind"] for s in r.json()["steps"]} == {"risk_assessment", "specialised_referral"}
    await until(lambda: db_member(engine, member_id).vulnerabilities == ["trafficking_victim"],
                "the finding never reached the database")
    # A trafficking victim found later restricts the case as one known at intake does: to
    # another caseworker it no longer exists (need to know).
    with Session(engine) as session:
        assert session.get(Case, case_id).restricted  # type: ignore[union-attr]
    other = bearer("caseworker2")
    assert (await api.get(f"/cases/{case_id}", headers=other)).status_code == 404
    assert (await api.get(f"/cases/{case_id}")).status_code == 200  # its assignee
    # The case departs today (as its projection would record it): the report counts the flag.
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.departure_date, case.stage = date.today(), Stage.DEPARTED
        session.add(case)
        session.commit()
        project_id = case.project_id
    day = date.today().isoformat()
    report = (await api.get(f"/projects/{project_id}/report", headers=bearer("supervisor"),
                            params={"start": day, "end": day})).json()
    assert report["persons_returned_by_vulnerability"].get("trafficking_victim") == 1

    r = await api.post(f"/cases/{case_id}/findings", json={
        "member_id": member_id, "vulnerability": "trafficking_victim", "found": False})
    assert r.status_code == 409 and "reason" in r.json()["detail"]


async def test_a_member_joins_once_and_leaves_with_a_reason(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_id, _ = await new_case(api)
    child = {"given_name": "Nino", "family_name": "Beridze", "date_of_birth": "2019-02-01",
             "sex": "female", "nationality": "GE", "relationship": "child",
             "reason": "born abroad, joined her father"}
    url = f"/cases/{case_id}/people"
    assert (await api.post(url, json=child)).status_code == 422  # no Idempotency-Key
    r = await api.post(url, json=child, headers={"Idempotency-Key": "join-nino"})
    assert r.status_code == 201, r.text
    nino = r.json()["id"]
    again = await api.post(url, json=child, headers={"Idempotency-Key": "join-nino"})
    assert again.status_code == 201 and again.json()["id"] == nino
    state = await live(api, case_id)
    assert [m["member_id"] for m in state["household"]][1:] == [nino]
    assert state["household"][1]["is_minor"] is True
    assert "Nino" not in str(state)

    r = await api.post(f"{url}/{nino}/removal", json={"reason": "stays with her mother"})
    assert r.status_code == 200, r.text
    assert r.json()["removal_reason"] == "stays with her mother" and r.json()["removed_at"]
    assert nino not in [m["member_id"] for m in (await live(api, case_id))["household"]]
    household = (await api.get(f"/cases/{case_id}/household")).json()
    assert [(m["given_name"], m["removed_at"] is not None) for m in household] == [
        ("Giorgi", False), ("Nino", True)]
    changes = (await api.get(f"{url}/{nino}/changes")).json()["data"]
    assert [(c["field"], c["new_value"]) for c in changes] == [
        ("member_joined", "child"), ("member_left", None)]
    r = await api.patch(f"{url}/{nino}", json={"family_name": "X", "reason": "x"})
    assert r.status_code == 409  # she left: nothing more to correct on this case


async def test_a_member_who_left_before_departure_is_not_counted_as_returned(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_id, _ = await new_case(api)
    url = f"/cases/{case_id}/people"
    child = {"given_name": "Nino", "family_name": "Beridze", "date_of_birth": "2019-02-01",
             "sex": "female", "nationality": "GE", "relationship": "child", "reason": "joined"}
    r = await api.post(url, json=child, headers={"Idempotency-Key": "join-nino-2"})
    assert r.status_code == 201, r.text
    r = await api.post(f"{url}/{r.json()['id']}/removal", json={"reason": "stays with her mother"})
    assert r.status_code == 200, r.text

    def projected(version: int) -> bool:
        with Session(engine) as session:
            row = session.get(Case, case_id)
            return row is not None and row.projected_version >= version

    # Opening, joining and leaving each project the case: let the last one land first, or it
    # writes its stage over the departure below.
    await until(lambda: projected(3), "the removal was not projected")
    # The case departs today (as its projection would record it): one person returned.
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.departure_date, case.stage = date.today(), Stage.DEPARTED
        session.add(case)
        session.commit()
        project_id = case.project_id
    day = date.today().isoformat()
    report = (await api.get(f"/projects/{project_id}/report", headers=bearer("supervisor"),
                            params={"start": day, "end": day})).json()
    assert report["persons_returned"] == 1
    assert sum(report["persons_returned_by_sex"].values()) == 1
    # The dashboard's persons returned per month says the same (it counted her).
    with Session(engine) as session:
        assert sum(n for _, n in returns_per_month(session, date.today())) == 1
