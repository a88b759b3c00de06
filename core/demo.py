"""Demo data for `make run`: a few households, loaded through the API, idempotently."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

DEMO_CASES: list[dict[str, Any]] = [
    {
        "country_of_origin": "GE", "legal_situation": "rejected_asylum_seeker",
        "location_type": "reception_centre", "location_name": "Mucenieki",
        "preferred_language": "ka", "destination_city": "Tbilisi",
        "principal": {"given_name": "Demo", "family_name": "Gelashvili",
                      "date_of_birth": "1986-03-14", "sex": "male", "nationality": "GE",
                      "passport_number": "DEMO0001", "passport_valid_until": "2030-01-01"},
        "dependants": [
            {"given_name": "Demo", "family_name": "Gelashvili", "date_of_birth": "1989-07-02",
             "sex": "female", "nationality": "GE", "relationship": "spouse"},
            {"given_name": "Demo", "family_name": "Gelashvili", "date_of_birth": "2016-05-20",
             "sex": "female", "nationality": "GE", "relationship": "child",
             "vulnerabilities": ["medical_condition"]},
        ],
    },
    {
        "country_of_origin": "TH", "legal_situation": "visa_overstay",
        "location_type": "community", "preferred_language": "th", "destination_city": "Bangkok",
        "principal": {"given_name": "Demo", "family_name": "Srisuk",
                      "date_of_birth": "1979-11-30", "sex": "female", "nationality": "TH"},
    },
    {
        "country_of_origin": "AZ", "legal_situation": "irregular_stay",
        "location_type": "detention_centre", "location_name": "Daugavpils",
        "preferred_language": "az", "destination_city": "Baku",
        "principal": {"given_name": "Demo", "family_name": "Aliyev",
                      "date_of_birth": "1958-02-11", "sex": "male", "nationality": "AZ",
                      "vulnerabilities": ["elderly"]},
    },
]


# Reintegration partners for the demo countries; the demo partner user belongs to GE-partner.
DEMO_PARTNERS = [
    {"id": "GE-partner", "organisation": "Georgian reintegration partner (demo)", "country": "GE",
     "contact_email": "reintegration@ge-partner.example"},
    {"id": "TH-partner", "organisation": "Thai reintegration partner (demo)", "country": "TH",
     "contact_email": "reintegration@th-partner.example"},
    {"id": "AZ-partner", "organisation": "Azerbaijani reintegration partner (demo)",
     "country": "AZ", "contact_email": "reintegration@az-partner.example"},
]

# The service directory: the trafficking hotline of seed 004 (its number as published there;
# the e-mail address is a demo stand-in, so referrals by e-mail have somewhere to go).
DEMO_SERVICES = [
    {"name": "Patvērums „Drošā māja” – uzticības tālrunis cilvēku tirdzniecības gadījumos",
     "country": "LV", "kind": "hotline", "phone": "+371 28612120",
     "email": "hotline@drosa-maja.example", "languages": ["lv", "ru", "en"]},
]


def _today() -> str:
    return date.today().isoformat()


# What happens to each newly opened demo case, so the demo shows cases at different stages:
# (path under /cases/{id}/, body, acting demo user). Run only when the case is new.
DEMO_STEPS: list[list[tuple[str, dict[str, Any] | None, str]]] = [
    [  # the household: counselled, assessed eligible, waiting for a supervisor's approval
        ("counselling-sessions", {"held_on": "", "place": "Mucenieki", "language": "ka",
                                  "interpreter": True}, "caseworker"),
        ("intake/complete", None, "caseworker"),
        ("eligibility/assessment", {"eligible": True, "notes": "rejected claim, wishes to return"},
         "caseworker"),
    ],
    [  # eligible, consented, travel document requested from the embassy
        ("counselling-sessions", {"held_on": "", "place": "Riga", "language": "th"}, "caseworker"),
        ("intake/complete", None, "caseworker"),
        ("eligibility/assessment", {"eligible": True, "notes": "overstayed visa"}, "caseworker"),
        ("eligibility/decision", {"approve": True, "reason": "meets the criteria"}, "supervisor"),
        # The demo project requires the signed declaration before consent (below).
        ("documents", {"kind": "declaration"}, "caseworker"),
        ("consent", {"declaration_signed_on": "", "share_with_authorities": True,
                     "share_with_partner": True, "witnessed_by": "the counsellor"}, "caseworker"),
        ("travel-documents/assessment", {"planned_departure": "+60"}, "caseworker"),
    ],
    [  # still in counselling
        ("counselling-sessions", {"held_on": "", "place": "Daugavpils", "language": "az"},
         "caseworker"),
    ],
]


def _dated(body: dict[str, Any] | None) -> dict[str, Any] | None:
    """Fill today's date into empty date fields, and '+N' as N days from today."""
    if body is None:
        return None
    out = dict(body)
    for key, value in body.items():
        if value == "":
            out[key] = _today()
        elif isinstance(value, str) and value.startswith("+"):
            out[key] = (date.today() + timedelta(days=int(value[1:]))).isoformat()
    return out


async def seed_demo(http: httpx.AsyncClient, tokens: dict[str, str]) -> list[str]:
    """Open the demo cases and move new ones along; the Idempotency-Key makes a second run
    change nothing. ``tokens`` maps demo usernames to bearer tokens."""
    ids = []
    if "admin" in tokens:
        for partner in DEMO_PARTNERS:
            r = await http.post("/partners", json=partner, headers=_auth(tokens["admin"]))
            if r.status_code != 409:  # 409: registered by an earlier run
                r.raise_for_status()
        listed = await http.get("/services", headers=_auth(tokens["admin"]))
        known = {s["name"] for s in listed.json()["data"]} if listed.status_code == 200 else set()
        for service in DEMO_SERVICES:
            if service["name"] not in known:
                r = await http.post("/services", json=service, headers=_auth(tokens["admin"]))
                r.raise_for_status()
    for n, (case, steps) in enumerate(zip(DEMO_CASES, DEMO_STEPS, strict=True), start=1):
        headers = {"Idempotency-Key": f"demo-case-{n}", **_auth(tokens["caseworker"])}
        r = await http.post("/cases", json=case, headers=headers)
        r.raise_for_status()
        case_id = r.json()["id"]
        ids.append(case_id)
        if n == 1 and "admin" in tokens:
            await _require_declaration(http, tokens["admin"], r.json()["project_id"])
        if r.status_code != 201:
            continue  # opened by an earlier run: it has moved on since
        for path, body, user in steps:
            step = await _step(http, case_id, path, body, _auth(tokens[user]))
            step.raise_for_status()
    return ids


# A stand-in for the scanned declaration: the API checks only that it is a PDF.
DEMO_DECLARATION = b"%PDF-1.4\n% Homeward demo: signed declaration of voluntary return\n%%EOF\n"
DEMO_REQUIREMENTS = {"record_consent": ["declaration"]}


async def _step(http: httpx.AsyncClient, case_id: str, path: str,
                body: dict[str, Any] | None, headers: dict[str, str]) -> httpx.Response:
    if path == "documents":  # an upload, as a form with the file
        files = {"file": ("declaration.pdf", DEMO_DECLARATION, "application/pdf")}
        return await http.post(f"/cases/{case_id}/documents", data=body, files=files,
                               headers=headers)
    return await http.post(f"/cases/{case_id}/{path}", json=_dated(body), headers=headers)


async def _require_declaration(http: httpx.AsyncClient, token: str, project_id: str) -> None:
    """The demo cases' project requires the signed declaration before consent is recorded
    (its other rules kept, or the defaults in its currency)."""
    r = await http.get(f"/projects/{project_id}", headers=_auth(token))
    r.raise_for_status()
    project = r.json()
    policy = project["policy"] or {"grant": {"currency": project["currency"]},
                                   "reintegration": {"currency": project["currency"]}}
    if policy.get("required_documents") == DEMO_REQUIREMENTS:
        return
    r = await http.patch(f"/projects/{project_id}", headers=_auth(token),
                         json={"policy": {**policy, "required_documents": DEMO_REQUIREMENTS}})
    r.raise_for_status()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
