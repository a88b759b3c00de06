"""Cases brought through the decision endpoints to a stage (eligibility, after consent), with
the acting users' tokens and a dependant, for the decision tests and others."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tests.factories import CASE_JSON
from tests.tokens import bearer

COUNSELLING = {"held_on": "2026-01-05", "place": "Mucenieki", "language": "ka"}
CASEWORKER = bearer("caseworker")
SUPERVISOR = bearer("supervisor")
CHILD = {
    "given_name": "Nino",
    "family_name": "Beridze",
    "date_of_birth": "2019-02-01",
    "sex": "female",
    "nationality": "GE",
    "relationship": "child",
    "vulnerabilities": ["medical_condition"],
}


async def case_in_eligibility(api: httpx.AsyncClient, **extra: Any) -> str:
    r = await api.post("/cases", json=CASE_JSON | extra)
    assert r.status_code == 201, r.text
    case_id: str = r.json()["id"]
    assert (await api.post(f"/cases/{case_id}/counselling-sessions", json=COUNSELLING)).is_success
    assert (await api.post(f"/cases/{case_id}/intake/complete")).is_success
    return case_id


async def case_after_consent(api: httpx.AsyncClient, **extra: Any) -> str:
    case_id = await case_in_eligibility(api, **extra)
    await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": "ok"},
        headers=CASEWORKER,
    )
    await api.post(
        f"/cases/{case_id}/eligibility/decision",
        json={"approve": True, "reason": "ok"},
        headers=SUPERVISOR,
    )
    r = await api.post(
        f"/cases/{case_id}/consent",
        headers=CASEWORKER,
        json={
            "declaration_signed_on": datetime.now(UTC).date().isoformat(),
            "share_with_authorities": True,
            "share_with_partner": False,
            "witnessed_by": "N. K.",
        },
    )
    assert r.status_code == 200, r.text
    return case_id
