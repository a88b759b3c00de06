"""A case's audit trail in the case view, and the subject access export."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.tables import HouseholdMember
from tests.factories import CASE_JSON
from tests.tokens import bearer


async def test_case_audit_shows_who_wrote_and_who_read_personal_data(
    api: httpx.AsyncClient,
) -> None:
    case_id = (await api.post("/cases", json=CASE_JSON)).json()["id"]
    assert (await api.get(f"/cases/{case_id}/household")).status_code == 200
    await api.get("/cases")  # a list without personal data is not audited

    r = await api.get(f"/cases/{case_id}/audit", headers=bearer("supervisor"))
    assert r.status_code == 200
    entries = r.json()["data"]
    assert [(e["action"], e["actor_id"], e["outcome"]) for e in entries] == [
        ("POST /cases", "caseworker", "success"),
        ("GET /cases/{case_id}/household", "caseworker", "success"),
    ]
    assert (await api.get(f"/cases/{case_id}/audit")).status_code == 403  # caseworker


async def test_subject_access_export_has_everything_about_the_person(
    api: httpx.AsyncClient,
) -> None:
    case_id = (await api.post("/cases", json=CASE_JSON)).json()["id"]
    [principal] = (await api.get(f"/cases/{case_id}/household")).json()

    r = await api.get(f"/people/{principal['id']}/export", headers=bearer("admin"))
    assert r.status_code == 200, r.text
    export = r.json()
    assert export["person"]["family_name"] == CASE_JSON["principal"]["family_name"]  # type: ignore[index]
    assert export["case"]["id"] == case_id
    assert export["household_size"] == 1
    assert export["workflow_state"]["case_id"] == case_id
    assert export["anonymised_at"] is None
    assert [e["action"] for e in export["audit"]][:2] == [
        "POST /cases", "GET /cases/{case_id}/household"
    ]
    assert (await api.get(f"/people/{principal['id']}/export")).status_code == 403
    assert (await api.get("/people/nobody/export", headers=bearer("admin"))).status_code == 404
    audit = (await api.get(f"/cases/{case_id}/audit", headers=bearer("auditor"))).json()
    assert "GET /people/{member_id}/export" in {e["action"] for e in audit["data"]}


async def test_the_exports_household_size_counts_only_who_is_still_in_the_household(
    api: httpx.AsyncClient, engine: Engine,
) -> None:
    body = copy.deepcopy(CASE_JSON)
    body["dependants"] = [
        {"given_name": "Eka", "family_name": "Beridze", "date_of_birth": "2014-03-02",
         "sex": "female", "nationality": "GE", "relationship": "child"},
        {"given_name": "Gia", "family_name": "Beridze", "date_of_birth": "1988-07-09",
         "sex": "male", "nationality": "GE", "relationship": "spouse"},
    ]
    case_id = (await api.post("/cases", json=body)).json()["id"]
    people = (await api.get(f"/cases/{case_id}/household")).json()
    with Session(engine) as session:  # the spouse left the household (as removal records it)
        spouse = session.get(HouseholdMember, people[2]["id"])
        assert spouse is not None and spouse.given_name == "Gia"
        spouse.removed_at, spouse.removal_reason = datetime.now(UTC), "stays in Latvia"
        session.add(spouse)
        session.commit()
    r = await api.get(f"/people/{people[0]['id']}/export", headers=bearer("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["household_size"] == 2  # the principal and the child
