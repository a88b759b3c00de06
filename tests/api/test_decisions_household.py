"""Decision endpoints: the household at case creation, stored with names while the workflow
gets none; validation names the field."""

from __future__ import annotations

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import HouseholdMember
from tests.api.decision_cases import (
    CHILD,
)
from tests.factories import CASE_JSON


async def test_household_is_stored_and_the_workflow_gets_no_names(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    r = await api.post("/cases", json=CASE_JSON | {"dependants": [CHILD]})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    with Session(engine) as session:
        rows = session.exec(select(HouseholdMember).where(HouseholdMember.case_id == case_id)).all()
    by_name = {m.given_name: m for m in rows}
    assert set(by_name) == {"Giorgi", "Nino"}
    live = (await api.get(f"/cases/{case_id}")).json()["live"]
    members = {m["member_id"]: m for m in live["household"]}
    assert members[by_name["Nino"].id]["is_minor"] is True
    assert members[by_name["Giorgi"].id]["relationship"] == "principal"
    assert "Nino" not in str(live) and "Beridze" not in str(live)
    household = (await api.get(f"/cases/{case_id}/household")).json()
    assert [(m["given_name"], m["relationship"]) for m in household] == [
        ("Giorgi", "principal"),
        ("Nino", "child"),
    ]
    assert household[1]["id"] == by_name["Nino"].id
    assert {(s["member_id"], s["kind"]) for s in live["steps"]} == {
        (by_name["Nino"].id, "fit_to_travel"),
        (by_name["Nino"].id, "escort_decision"),
    }


async def test_household_validation_names_the_field(api: httpx.AsyncClient) -> None:
    adult_minor = CASE_JSON | {
        "principal": CASE_JSON["principal"] | {"vulnerabilities": ["unaccompanied_minor"]}  # type: ignore[operator]
    }
    r = await api.post("/cases", json=adult_minor)
    assert r.status_code == 422
    assert "principal.vulnerabilities: unaccompanied_minor on an adult" in r.text
    r = await api.post(
        "/cases", json=CASE_JSON | {"dependants": [CHILD | {"relationship": "principal"}]}
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "dependants", 0, "relationship"]
    r = await api.post(
        "/cases",
        json=CASE_JSON
        | {"return_decision_date": "2026-03-01", "voluntary_departure_deadline": "2026-02-01"},
    )
    assert r.status_code == 422
    assert "voluntary_departure_deadline is before return_decision_date" in r.text
