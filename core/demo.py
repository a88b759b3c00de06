"""Demo data for `make run`: a few households, loaded through the API, idempotently."""

from __future__ import annotations

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


async def seed_demo(http: httpx.AsyncClient) -> list[str]:
    """Open the demo cases; the Idempotency-Key makes a second run change nothing."""
    ids = []
    for n, case in enumerate(DEMO_CASES, start=1):
        r = await http.post("/cases", json=case, headers={"Idempotency-Key": f"demo-case-{n}"})
        r.raise_for_status()
        ids.append(r.json()["id"])
    return ids
