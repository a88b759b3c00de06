"""The new-case form's fields for a household of one (``HOUSEHOLD``) and ``open_case``, which
opens a case through the form as a signed-in client: for the web interface's tests without a
browser (test_sign_in_and_case_pages.py and the page tests beside it)."""

from __future__ import annotations

import httpx

from tests.ui.conftest import csrf_of

HOUSEHOLD = {
    "country_of_origin": "GE", "legal_situation": "rejected_asylum_seeker",
    "location_type": "reception_centre", "destination_city": "Tbilisi",
    "principal-given_name": "Nino", "principal-family_name": "Beridze",
    "principal-date_of_birth": "1990-04-01", "principal-sex": "female",
    "principal-nationality": "GE",
}


async def open_case(client: httpx.AsyncClient, **fields: str) -> str:
    page = await client.get("/ui/cases/new")
    r = await client.post("/ui/cases/new", data={
        "csrf_token": csrf_of(page.text), "idempotency_key": csrf_of(page.text)[:20],
        **HOUSEHOLD, **fields,
    })
    assert r.status_code == 303, r.text
    return r.headers["location"].split("?")[0]
