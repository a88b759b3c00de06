"""Donor reports of a project over a period or as of a day, against the dataset built here
(tests/api/report_dataset.py), each figure checked by a computation of its own; a report
needs a period or a day."""

from __future__ import annotations

import httpx

from tests.api.report_checks import check
from tests.api.report_dataset import (
    AS_OF,
    END,
    START,
    THRESHOLD,
)
from tests.api.report_oracle import expected
from tests.tokens import bearer


async def test_period_report_counts_what_happened_in_the_period(
    api: httpx.AsyncClient, projects: tuple[str, str]
) -> None:
    p, _ = projects
    r = await api.get(f"/projects/{p}/report",
                      params={"start": START, "end": END, "threshold": THRESHOLD},
                      headers=bearer("auditor"))
    assert r.status_code == 200, r.text
    report = r.json()
    want = expected(START, END)
    check(report, want)
    # Spelled out once, so the independent computation itself is checked too.
    assert report["persons_returned"] == 6  # first day (1) + household (4) + moved after (1)
    # Ages on departure: 35 (born 1 April 1990, left 1 January 2026), 36, 41, 8, 66, and 17 (the
    # day before his 18th birthday).
    assert report["persons_returned_by_age_band"] == {
        "0-17": 2, "18-34": 0, "35-59": 3, "60+": 1,
    }
    assert report["cases_closed_by_reason"]["withdrawn"] == 1
    assert report["cases_closed_by_reason"]["completed"] == 1
    assert report["cases_closed_by_reason"]["absconded"] == 0  # closed after the period
    targets = {t["name"]: t for t in report["targets"] if not t["breakdown"]}
    assert targets["persons_returned"]["percent"] == 75.0  # 6 of 8
    # Split by country: GE 1 of 3, UA 4 of 4, MD 0 of 1 (it left the day before): 5 of 8.
    split = next(t for t in report["targets"] if t["breakdown"] == "country_of_origin")
    assert (split["target"], split["achieved"], split["percent"]) == (8, 5, 62.5)
    assert [(p["part"], p["achieved"]) for p in split["parts"]] == [
        ("GE", 1), ("UA", 4), ("MD", 0)]
    # Outreach of the period: 12 + 3 + 4 at the detention centre, 1 + 1 counselled.
    assert report["outreach"]["persons_reached"] == 21
    assert report["outreach"]["contacts_followed_by_a_case"] == 1
    # The 12-month visits: overall 0.67 (at or above 0.66) and 0.62: half.
    assert report["reintegration_outcomes"]["share_above_threshold_at_12_months"][
        "overall"] == 50.0
    # First day (reintegrated 1 March) and the day before (on 1 January); the household's
    # help came after the period and the moved case's under the follow-on project.
    assert targets["persons_reintegrated"]["achieved"] == 2
    assert targets["persons_reintegrated"]["percent"] == 40.0  # 2 of 5
    assert report["spending_by_category"]["document_fee"] == {
        "total": "45.02", "eu_share": "15.01", "national_share": "30.01",
    }
    # Escort 950.00 × 33.33 % = 316.635 rounds up; the total's EU share is the sum of the
    # categories' (1138.24), a cent off 3415.02 × 33.33 % (1138.23), so the columns add up.
    assert report["spending_by_category"]["escort"]["eu_share"] == "316.64"
    assert report["spending_total"] == {
        "total": "3415.02", "eu_share": "1138.24", "national_share": "2276.78",
    }
    # The simulators' ticket and grant (412.37 + 1200.00) are apart, in no spending line;
    # the document fee a simulator booked in July is after the period.
    assert report["simulated_costs_total"] == "1612.37"
    assert report["spending_by_category"]["cash_grant"]["total"] == "800.00"  # 300 + 500
    assert any("Simulated costs" in n for n in report["notes"])
    assert targets["media_mentions"]["percent"] is None
    assert targets["training"]["achieved"] == 2
    assert targets["training_participants"]["percent"] == 85.0  # 34 of 40
    assert (report["start"], report["end"], report["cumulative"]) == (
        "2026-01-01", "2026-06-30", False,
    )


async def test_as_of_report_leaves_out_what_happened_later(
    api: httpx.AsyncClient, projects: tuple[str, str]
) -> None:
    p, q = projects
    r = await api.get(f"/projects/{p}/report", params={"as_of": AS_OF, "threshold": THRESHOLD},
                      headers=bearer("supervisor"))
    assert r.status_code == 200, r.text
    report = r.json()
    check(report, expected(None, AS_OF))
    # Day before (1), first day (1), moved after departure (1); the household left in June.
    assert report["persons_returned"] == 3
    assert report["cases_closed"] == 1  # the withdrawal; the completion came in June
    assert report["cumulative"] is True and report["start"] is None
    # The follow-on project counts the case that departed after moving to it.
    r = await api.get(f"/projects/{q}/report", params={"as_of": END}, headers=bearer("admin"))
    assert r.json()["persons_returned"] == 3  # moved before departure (2) + another project (1)
    assert r.json()["cases_opened"] == 1  # the other case was opened under P
    # ... and the moved case's reintegration help, given after the move, with its cost.
    assert r.json()["persons_reintegrated"] == 1
    assert r.json()["spending_by_category"]["reintegration"]["total"] == "1234.56"
    assert r.json()["spending_total"]["total"] == "1312.33"  # + the other project's ticket
    assert r.json()["simulated_costs_by_category"]["ticket"] == "390.10"  # apart


async def test_a_report_needs_a_period_or_a_day(
    api: httpx.AsyncClient, projects: tuple[str, str]
) -> None:
    p, _ = projects
    auditor = bearer("auditor")
    for params in ({}, {"start": "2026-01-01"}, {"start": "2026-02-01", "end": "2026-01-01"},
                   {"as_of": "2026-01-01", "end": "2026-02-01"}, {"as_of": "x"}):
        r = await api.get(f"/projects/{p}/report", params=params, headers=auditor)
        assert r.status_code == 422, params
    r = await api.get("/projects/nope/report", params={"as_of": "2026-01-01"}, headers=auditor)
    assert r.status_code == 404
