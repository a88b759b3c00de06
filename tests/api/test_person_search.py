"""Finding a person across cases: by name in any spelling or script, date of birth and
passport number; and the earlier cases of the people of a newly opened case."""

from __future__ import annotations

import copy
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.users import AuditEntry
from tests.api.test_import import EXAMPLE, add_ge_partner, upload
from tests.api.test_projects import create_project
from tests.factories import CASE_JSON
from tests.tokens import bearer

BERZINS = {"given_name": "Jānis", "family_name": "Bērziņš", "date_of_birth": "1980-02-01",
           "sex": "male", "nationality": "LV", "passport_number": "LV 1234567",
           "passport_valid_until": "2030-01-01"}
NINO = {"given_name": "ნინო", "family_name": "ბერიძე", "date_of_birth": "2012-06-30",
        "sex": "female", "nationality": "GE", "relationship": "child"}


def household(principal: dict[str, Any], *dependants: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(CASE_JSON)
    body["principal"] = principal
    body["dependants"] = list(dependants)
    return body


async def opened(api: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    r = await api.post("/cases", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def found(api: httpx.AsyncClient, person: str, **headers: str) -> list[str]:
    r = await api.get("/cases", params={"person": person}, headers=headers or None)
    assert r.status_code == 200, r.text
    assert r.json()["count"] == len(r.json()["data"])
    return [c["id"] for c in r.json()["data"]]


async def test_a_person_is_found_by_any_spelling_date_of_birth_or_passport(
    api: httpx.AsyncClient, engine: Engine,
) -> None:
    berzins = (await opened(api, household(BERZINS)))["id"]
    other = (await opened(api, household(CASE_JSON["principal"], NINO)))["id"]  # type: ignore[arg-type]

    for spelling in ("Bērziņš", "Berzins", "BERZINS", "Берзиньш", "berzinsh", "Берз",
                     "Jānis Bērziņš", "Янис Берзиньш", "Berzins Janis", "Yanis"):
        assert await found(api, spelling) == [berzins], spelling
    for born in ("1980-02-01", "01.02.1980"):
        assert await found(api, born) == [berzins]
    assert await found(api, "Берзиньш 1980-02-01") == [berzins]
    assert await found(api, "Берзиньш 1980-02-02") == []
    for passport in ("LV1234567", "lv 1234567", "LV-1234567"):
        assert await found(api, passport) == [berzins]
    # A dependant in another case, written in Georgian, found in Latin and Cyrillic.
    for spelling in ("Nino Beridze", "Нино Беридзе", "ნინო", "Beridze"):
        assert other in await found(api, spelling), spelling
    assert await found(api, "2012-06-30") == [other]
    for nothing in ("Ozols", "LV7654321", "1999-01-01", "!!!"):
        assert await found(api, nothing) == [], nothing
    # Auditors list cases; staff and auditors search the same list.
    assert await found(api, "Berzins", **bearer("auditor")) == [berzins]
    # Each search is a read of personal data, audited (who, when; never what was searched);
    # the list without a person is not.
    assert (await api.get("/cases", headers=bearer("auditor"))).status_code == 200
    with Session(engine) as session:
        searches = session.exec(select(AuditEntry).where(
            col(AuditEntry.action).startswith("GET /cases")).where(
            col(AuditEntry.case_id).is_(None))).all()
    assert {e.action for e in searches} == {"GET /cases?person"}
    assert sum(e.actor_role == "auditor" for e in searches) == 1
    assert len(searches) == 10 + 2 + 1 + 1 + 3 + 4 + 1 + 4 + 1  # every search above


async def test_opening_a_case_names_the_earlier_cases_of_the_same_people(
    api: httpx.AsyncClient,
) -> None:
    first = await opened(api, household(BERZINS))
    assert first["possible_earlier_cases"] == []
    unrelated = await opened(api, household({**BERZINS, "date_of_birth": "1981-02-01",
                                             "passport_number": None,
                                             "passport_valid_until": None}))
    assert unrelated["possible_earlier_cases"] == []

    # The same man, his name typed from his Russian papers, no passport this time.
    again = household({**BERZINS, "given_name": "Янис", "family_name": "Берзиньш",
                       "passport_number": None, "passport_valid_until": None})
    second = await opened(api, again)
    assert second["possible_earlier_cases"] == [{
        "case_id": first["id"], "reference": first["reference"], "stage": "intake",
        "status": "active",
    }]
    # A child of a new household carrying his passport: found by the number alone.
    child = {**BERZINS, "given_name": "Unknown", "family_name": "Person", "relationship": "child",
             "date_of_birth": "2015-01-01"}
    third = await opened(api, household(CASE_JSON["principal"], child))  # type: ignore[arg-type]
    assert [c["case_id"] for c in third["possible_earlier_cases"]] == [first["id"]]
    # The same request again answers the same.
    r = await api.post("/cases", json=again, headers={"Idempotency-Key": "k"})
    r2 = await api.post("/cases", json=again, headers={"Idempotency-Key": "k"})
    assert r2.status_code == 200
    assert r2.json()["possible_earlier_cases"] == r.json()["possible_earlier_cases"]
    assert [c["case_id"] for c in r.json()["possible_earlier_cases"]] == [
        second["id"], first["id"]]


async def test_an_imported_case_is_found_and_named_as_an_earlier_case(
    api: httpx.AsyncClient,
) -> None:
    project = await create_project(api, code="IMP", period_start="2026-01-01",
                                   period_end="2026-12-31", eu_share_percent="75",
                                   national_share_percent="25")
    await add_ge_partner(api)
    r = await upload(api, project["id"], EXAMPLE.read_bytes())
    assert r.status_code == 200, r.text
    old = next(c for c in r.json()["imported"] if c["external_ref"] == "OLD-001")
    assert await found(api, "Капанадзе Леван") == [old["case_id"]]
    assert await found(api, "Tamar Kapanadze 14.07.1988") == [old["case_id"]]  # the spouse

    # Levan comes back; his name typed in Georgian this time.
    again = household({"given_name": "ლევან", "family_name": "კაპანაძე",
                       "date_of_birth": "1985-03-02", "sex": "male", "nationality": "GE"})
    earlier = (await opened(api, again))["possible_earlier_cases"]
    assert earlier == [{"case_id": old["case_id"], "reference": old["reference"],
                        "stage": "closed", "status": "closed"}]
