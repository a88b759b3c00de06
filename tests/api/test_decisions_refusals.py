"""Decision endpoints: the acting user from the token, four eyes, and 404/409/422 for an
unknown case, a wrong stage or bad input; a withdrawn case refuses later decisions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from tests.api.decision_cases import (
    CASEWORKER,
    COUNSELLING,
    SUPERVISOR,
    case_after_consent,
    case_in_eligibility,
)
from tests.factories import CASE_JSON
from tests.tokens import bearer


async def test_the_acting_user_comes_from_the_token(api: httpx.AsyncClient) -> None:
    r = await api.post("/cases", json=CASE_JSON)
    case_id = r.json()["id"]
    r = await api.post(
        f"/cases/{case_id}/counselling-sessions", json=COUNSELLING, headers=bearer("borderguard")
    )
    assert r.status_code == 403
    assert "border_guard role may not" in r.json()["detail"]
    no_token = {"Authorization": ""}
    r = await api.post(f"/cases/{case_id}/counselling-sessions", json=COUNSELLING, headers=no_token)
    assert r.status_code == 401
    case_id = await case_in_eligibility(api)
    await api.post(f"/cases/{case_id}/eligibility/assessment", json={"eligible": True, "notes": "ok"})
    r = await api.post(
        f"/cases/{case_id}/eligibility/decision", json={"approve": True, "reason": "fine"}
    )
    assert r.status_code == 403  # a caseworker may not approve
    live = (await api.get(f"/cases/{case_id}")).json()["live"]
    assert live["eligibility"]["assessed_by"] == "caseworker"  # the token's user, nobody else


async def test_same_person_cannot_assess_and_approve_409(api: httpx.AsyncClient) -> None:
    case_id = await case_in_eligibility(api)
    r = await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": "ok"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 200, r.text
    assert r.json()["awaiting"] == "supervisor approval of the eligibility assessment"
    r = await api.post(
        f"/cases/{case_id}/eligibility/decision",
        json={"approve": True, "reason": "fine"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 409
    assert "same person cannot propose and approve" in r.json()["detail"]
    other = bearer("supervisor2")
    r = await api.post(
        f"/cases/{case_id}/eligibility/decision",
        json={"approve": True, "reason": "fine"},
        headers=other,
    )
    assert r.status_code == 200
    assert r.json()["stage"] == "consent"


async def test_bad_input_422_wrong_stage_409_unknown_case_404(api: httpx.AsyncClient) -> None:
    case_id = await case_in_eligibility(api)
    r = await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": ""},
        headers=CASEWORKER,
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "notes"]
    today = datetime.now(UTC).date().isoformat()
    consent = {
        "declaration_signed_on": today,
        "share_with_authorities": True,
        "share_with_partner": True,
        "witnessed_by": "N. K.",
    }
    r = await api.post(f"/cases/{case_id}/consent", json=consent, headers=CASEWORKER)
    assert r.status_code == 409
    assert "stage 'eligibility', not 'consent'" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/bookings", json={"departure_date": "2026-13-01"}, headers=CASEWORKER
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "departure_date"]
    r = await api.post("/cases/nope/consent", json=consent, headers=CASEWORKER)
    assert r.status_code == 404
    r = await api.post(
        f"/cases/{case_id}/closure/proposal",
        json={"reason": "gone", "note": "x"},
        headers=CASEWORKER,
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "reason"]


async def test_withdrawal_closes_and_later_decisions_are_refused(api: httpx.AsyncClient) -> None:
    case_id = await case_in_eligibility(api)
    r = await api.post(
        f"/cases/{case_id}/closure/proposal",
        json={"reason": "withdrawn", "note": "wants to stay with family"},
        headers=CASEWORKER,
    )
    assert r.status_code == 200, r.text
    # A proposal: the case stays open until a supervisor (not the proposer) approves.
    assert r.json()["stage"] == "eligibility"
    assert r.json()["closure_proposal"]["reason"] == "withdrawn"
    r = await api.post(
        f"/cases/{case_id}/closure/decision",
        json={"approve": True, "reason": "confirmed by phone"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "closed"
    assert r.json()["closure_reason"] == "withdrawn"
    for _ in range(600):  # the projection is written by an activity, shortly after
        listed = (await api.get("/cases", params={"closure_reason": "withdrawn"})).json()
        if listed["count"]:
            break
        await asyncio.sleep(0.05)
    assert [c["id"] for c in listed["data"]] == [case_id]
    assert listed["data"][0]["status"] == "closed"
    assert (await api.get("/cases", params={"status": "active"})).json()["count"] == 0
    r = await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": "ok"},
        headers=CASEWORKER,
    )
    assert r.status_code == 409


async def test_grant_four_eyes_and_travel_endpoints_through_the_api(api: httpx.AsyncClient) -> None:
    case_id = await case_after_consent(api)
    r = await api.post(f"/cases/{case_id}/grant/proposal", headers=SUPERVISOR)
    assert r.status_code == 200 and r.json()["grant"]["amount"] == "300.00"
    r = await api.post(
        f"/cases/{case_id}/grant/decision",
        json={"approve": True, "reason": "ok"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "cannot approve or reject the cash grant: the same person cannot propose and approve (four eyes)"
    )
    r = await api.post(
        f"/cases/{case_id}/bookings", json={"departure_date": "2030-01-10"}, headers=CASEWORKER
    )
    assert r.status_code == 409
    assert "stage 'travel_documents', not 'travel'" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/travel-documents/assessment",
        json={"planned_departure": "2030-01-10"},
        headers=CASEWORKER,
    )
    assert r.status_code == 200, r.text
    ref = r.json()["documents"]["request_ref"]  # CASE_JSON's principal has no passport
    assert r.json()["documents"]["status"] == "requested" and ref
    r = await api.post(
        f"/cases/{case_id}/travel-documents/embassy-answer",
        headers=CASEWORKER,
        json={"request_ref": ref, "issued": True},
    )
    assert r.status_code == 409
    assert "validity date" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/travel-documents/embassy-answer",
        headers=CASEWORKER,
        json={"request_ref": ref, "issued": True, "valid_until": "2030-06-01"},
    )
    assert r.status_code == 200 and r.json()["stage"] == "clearance"
    r = await api.post(
        f"/cases/{case_id}/clearance",
        headers=CASEWORKER,
        json={"kind": "release_from_detention", "confirmed_on": "2020-01-01", "reference": "X"},
    )
    assert r.status_code == 409
    assert "'release_from_detention' is not required" in r.json()["detail"]
    r = await api.post(f"/cases/{case_id}/grant/payment-retry", headers=CASEWORKER)
    assert r.status_code == 409
    assert "cannot retry the grant payment: the case is in stage 'clearance'" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/departure",
        headers=CASEWORKER,
        json={"booking_ref": "BK-1", "departed_on": "2020-01-01"},
    )
    assert r.status_code == 403  # only the border guard or the escort confirm a departure
    r = await api.post(
        f"/cases/{case_id}/departure",
        headers=bearer("borderguard"),
        json={"booking_ref": "BK-1", "departed_on": "2020-01-01"},
    )
    assert r.status_code == 409
