"""The fund portfolio: a fund's projects side by side in a donor report against the dataset
built here (tests/api/report_dataset.py), each figure checked by a computation of its
own; a case opened from an outreach contact follows it."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.api.report_dataset import (
    END,
    START,
)
from tests.api.report_oracle import expected
from tests.factories import CASE_JSON
from tests.tokens import bearer


async def test_portfolio_sets_a_funds_projects_side_by_side_and_a_case_follows_outreach(
    api: httpx.AsyncClient, projects: tuple[str, str]
) -> None:
    _, q = projects  # (P has ended: no new case under it)
    auditor = bearer("auditor")
    r = await api.get("/reports/portfolio", params={"fund": "amif", "year": 2026},
                      headers=auditor)
    assert r.status_code == 200, r.text
    portfolio = r.json()
    rows = {row["project_code"]: row for row in portfolio["projects"]}
    assert set(rows) == {"P", "Q"}  # the default project is another fund's
    # Each project over the part of 2026 inside its period: P all of it, Q from March.
    assert (rows["P"]["start"], rows["P"]["end"]) == ("2026-01-01", "2026-06-30")
    assert (rows["Q"]["start"], rows["Q"]["end"]) == ("2026-03-01", "2026-12-31")
    want = expected(START, END)
    assert (rows["P"]["persons_returned"], rows["P"]["outreach_persons_reached"]) == (
        want["persons_returned"], want["outreach"]["persons_reached"])
    # Q: "moved before departure" (2, April) and "another project" (1, 1 March).
    assert rows["Q"]["persons_returned"] == 3
    for name in ("persons_returned", "cases_returned", "cases_opened", "persons_reintegrated",
                 "outreach_persons_reached", "referrals"):
        assert portfolio["totals"][name] == rows["P"][name] + rows["Q"][name], name
    assert Decimal(portfolio["spending_by_currency"]["EUR"]["total"]) == (
        Decimal(rows["P"]["spending_total"]["total"])
        + Decimal(rows["Q"]["spending_total"]["total"]))
    assert (await api.get("/reports/portfolio", params={"fund": "amif", "year": 2026},
                          headers=bearer("caseworker"))).status_code == 403

    # A counselling contact, then the case opened for the person counselled.
    r = await api.post(f"/projects/{q}/outreach", json={
        "kind": "counselling", "place_type": "detention_centre", "place_name": "Daugavpils",
        "held_on": "2026-03-02",
        "reached": [{"nationality": "GE", "sex": "male", "age_band": "35-59", "persons": 1}]})
    contact = r.json()["id"]
    r = await api.post("/cases", json=CASE_JSON | {"project_id": q,
                                                  "outreach_contact_id": contact})
    assert r.status_code == 201, r.text
    listed = (await api.get(f"/projects/{q}/outreach", params={"start": "2026-03-02",
                                                               "end": "2026-03-02"})).json()
    assert [(c["id"], c["case_id"]) for c in listed] == [(contact, r.json()["id"])]
    r = await api.post("/cases", json=CASE_JSON | {"outreach_contact_id": 999999})
    assert r.status_code == 422 and "outreach_contact_id" in r.text
