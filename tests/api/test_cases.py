"""The cases API against a migrated database and a real Temporal dev server with a worker."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from tests.factories import CASE_JSON

COUNSELLING = {"held_on": "2026-01-05", "place": "Mucenieki", "language": "ka", "interpreter": True}


async def create(api: httpx.AsyncClient, **headers: str) -> dict[str, Any]:
    r = await api.post("/cases", json=CASE_JSON, headers=headers)
    assert r.status_code in (200, 201), r.text
    return r.json()  # type: ignore[no-any-return]


async def eventually_listed_in_stage(api: httpx.AsyncClient, case_id: str, stage: str) -> None:
    for _ in range(100):
        r = await api.get("/cases", params={"stage": stage})
        if any(c["id"] == case_id for c in r.json()["data"]):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"case {case_id} never listed in stage {stage}")


async def test_create_opens_a_case_with_a_reference_and_a_running_workflow(
    api: httpx.AsyncClient,
) -> None:
    r = await api.post("/cases", json=CASE_JSON | {"country_of_origin": "ge"})
    assert r.status_code == 201
    case = r.json()
    assert re.fullmatch(r"LV-\d{4}-\d{6}", case["reference"])
    assert case["stage"] == "intake"
    assert case["country_of_origin"] == "GE"

    listed = (await api.get("/cases")).json()
    assert listed["count"] == 1
    assert listed["data"][0]["reference"] == case["reference"]

    detail = (await api.get(f"/cases/{case['id']}")).json()
    assert detail["live"]["stage"] == "intake"
    assert detail["live"]["reference"] == case["reference"]


async def test_references_are_sequential(api: httpx.AsyncClient) -> None:
    refs = [(await create(api))["reference"] for _ in range(3)]
    numbers = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


async def test_same_idempotency_key_returns_the_same_case(api: httpx.AsyncClient) -> None:
    first = await api.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": "k-1"})
    second = await api.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    other = await api.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": "k-2"})
    assert other.json()["id"] != first.json()["id"]
    assert (await api.get("/cases")).json()["count"] == 2


async def test_invalid_input_is_a_422_naming_the_field(api: httpx.AsyncClient) -> None:
    r = await api.post("/cases", json=CASE_JSON | {"country_of_origin": "G1"})
    assert r.status_code == 422
    errors = r.json()["detail"]
    assert errors[0]["loc"] == ["body", "country_of_origin"]
    assert "two-letter country code" in errors[0]["msg"]

    r = await api.post("/cases", json={k: v for k, v in CASE_JSON.items() if k != "legal_situation"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "legal_situation"]

    r = await api.post("/cases", json=CASE_JSON | {"legal_situation": "tourist"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "legal_situation"]
    assert (await api.get("/cases")).json()["count"] == 0


async def test_unknown_case_is_a_404(api: httpx.AsyncClient) -> None:
    assert (await api.get("/cases/nope")).status_code == 404
    r = await api.post("/cases/nope/counselling-sessions", json=COUNSELLING)
    assert r.status_code == 404
    assert (await api.post("/cases/nope/intake/complete")).status_code == 404


async def test_refused_decision_is_a_409_with_the_workflows_reason(
    api: httpx.AsyncClient,
) -> None:
    case = await create(api)
    r = await api.post(f"/cases/{case['id']}/intake/complete")
    assert r.status_code == 409
    assert "at least one counselling session" in r.json()["detail"]


async def test_decision_moves_the_case_and_the_list_follows(api: httpx.AsyncClient) -> None:
    case = await create(api)
    r = await api.post(f"/cases/{case['id']}/counselling-sessions", json=COUNSELLING)
    assert r.status_code == 200, r.text
    assert r.json()["counselling_sessions"][0]["language"] == "ka"

    r = await api.post(f"/cases/{case['id']}/intake/complete")
    assert r.status_code == 200
    assert r.json()["stage"] == "eligibility"
    await eventually_listed_in_stage(api, case["id"], "eligibility")
    assert (await api.get("/cases", params={"stage": "intake"})).json()["count"] == 0

    r = await api.post(f"/cases/{case['id']}/intake/complete")
    assert r.status_code == 409
    assert "stage 'eligibility'" in r.json()["detail"]


async def test_decision_input_is_validated(api: httpx.AsyncClient) -> None:
    case = await create(api)
    r = await api.post(
        f"/cases/{case['id']}/counselling-sessions", json=COUNSELLING | {"held_on": "yesterday"}
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "held_on"]


async def test_list_is_paged(api: httpx.AsyncClient) -> None:
    ids = [(await create(api))["id"] for _ in range(5)]
    page1 = (await api.get("/cases", params={"limit": 2})).json()
    page3 = (await api.get("/cases", params={"limit": 2, "offset": 4})).json()
    assert page1["count"] == 5
    assert len(page1["data"]) == 2
    assert len(page3["data"]) == 1
    assert page1["data"][0]["id"] == ids[-1]
    assert (await api.get("/cases", params={"offset": 10})).json() == {"data": [], "count": 5}
    assert (await api.get("/cases", params={"limit": 0})).status_code == 422
