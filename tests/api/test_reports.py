"""Donor reports against a dataset built here, each figure checked by a computation of its own."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.costs import Cost
from models.enums import (
    CaseStatus,
    ClosureReason,
    CostCategory,
    LegalSituation,
    Relationship,
    Sex,
    Stage,
)
from models.projects import ProjectActivity, ProjectMove
from models.tables import HouseholdMember
from tests.api.test_projects import create_project
from tests.factories import insert_case
from tests.tokens import bearer

START, END = date(2026, 1, 1), date(2026, 6, 30)
AS_OF = date(2026, 4, 15)
TARGETS = {"persons_returned": 8, "persons_reintegrated": 5, "training": 3, "cases_opened": 0,
           "training_participants": 40, "media_mentions": 10}
M, F = Sex.MALE, Sex.FEMALE


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=UTC)


def person(born: date, sex: Sex, *vulnerabilities: str) -> dict[str, Any]:
    return {"born": born, "sex": sex, "vulnerabilities": list(vulnerabilities)}


# Each case: where it was on each day (spelled out by hand, not computed), its dates and people.
# "in_p" lists the events that happened while the case was in project P.
CASES: list[dict[str, Any]] = [
    # Closed on 15 June, its record last changed after the period (closed_date counts).
    {"name": "first day", "country": "GE", "legal": LegalSituation.REJECTED_ASYLUM_SEEKER,
         "created": date(2025, 12, 20), "departed": START, "closed": date(2026, 6, 15), "reason": None,
         "reintegrated": date(2026, 3, 1), "last_change": date(2026, 7, 3),
         "people": [person(date(1990, 4, 1), M)],
         "in_p": {"created", "departed", "closed", "reintegrated"}},
    {"name": "household of four, last day", "country": "UA", "legal": LegalSituation.IRREGULAR_STAY,
         "created": date(2026, 2, 1), "departed": END, "closed": None, "reason": None,
         "reintegrated": date(2026, 7, 20),  # after the period
         "people": [person(date(1990, 5, 1), F), person(date(1985, 2, 2), M, "medical_condition"),
                 person(date(2018, 3, 3), F), person(date(1960, 1, 1), F, "elderly", "disability")],
         "in_p": {"created", "departed", "reintegrated"}},
    {"name": "day after", "country": "GE", "legal": LegalSituation.VISA_OVERSTAY,
         "created": date(2026, 3, 1), "departed": date(2026, 7, 1), "closed": None, "reason": None,
         "people": [person(date(2000, 7, 1), M)], "in_p": {"created", "departed"}},
    {"name": "day before", "country": "MD", "legal": LegalSituation.OTHER,
         "created": date(2025, 11, 1), "departed": date(2025, 12, 31), "closed": None, "reason": None,
         "reintegrated": START,  # on the first day
         "people": [person(date(1970, 12, 31), F)], "in_p": {"created", "departed", "reintegrated"}},
    {"name": "withdrawn", "country": "GE", "legal": LegalSituation.REJECTED_ASYLUM_SEEKER,
         "created": date(2026, 2, 10), "departed": None, "closed": date(2026, 3, 15),
         "reason": ClosureReason.WITHDRAWN, "people": [person(date(1995, 1, 1), M)],
         "in_p": {"created", "closed"}},
    # Departed under P, moved to the follow-on project Q on 1 May, reintegrated under Q.
    {"name": "moved after departure", "country": "UZ", "legal": LegalSituation.IRREGULAR_STAY,
         "created": date(2026, 1, 15), "departed": date(2026, 4, 10), "closed": None, "reason": None,
         "reintegrated": date(2026, 5, 20),
         "people": [person(date(2008, 4, 11), M, "unaccompanied_minor")],
         "in_p": {"created", "departed"}, "moved_on": date(2026, 5, 1)},
    # Opened under P, moved to Q on 1 March, departed under Q.
    {"name": "moved before departure", "country": "GE", "legal": LegalSituation.IRREGULAR_STAY,
         "created": date(2026, 2, 1), "departed": date(2026, 4, 12), "closed": None, "reason": None,
         "people": [person(date(1980, 1, 1), M), person(date(1982, 1, 1), F)],
         "in_p": {"created"}, "moved_on": date(2026, 3, 1)},
    {"name": "another project", "country": "GE", "legal": LegalSituation.OTHER,
         "created": date(2026, 2, 1), "departed": date(2026, 3, 1), "closed": None, "reason": None,
         "people": [person(date(1999, 1, 1), M)], "in_p": set(), "project": "Q"},
    {"name": "closed after the period", "country": "GE", "legal": LegalSituation.OTHER,
         "created": date(2026, 5, 1), "departed": None, "closed": date(2026, 8, 1),
         "reason": ClosureReason.ABSCONDED, "people": [person(date(1999, 1, 1), M)],
         "in_p": {"created", "closed"}},
]
# Costs: (case name, project, category, amount, day). Awkward amounts for the 33.33 / 66.67
# split: a cent, 100.01, and sums whose shares round differently per category and in total.
COSTS: list[tuple[str, str, CostCategory, str, date]] = [
    ("first day", "P", CostCategory.TICKET, "100.01", date(2025, 12, 28)),  # before the period
    ("first day", "P", CostCategory.TICKET, "100.01", START),
    ("first day", "P", CostCategory.CASH_GRANT, "300.00", START),
    ("household of four, last day", "P", CostCategory.TICKET, "1519.99", date(2026, 6, 1)),
    ("household of four, last day", "P", CostCategory.DOCUMENT_FEE, "0.01", date(2026, 5, 2)),
    ("household of four, last day", "P", CostCategory.DOCUMENT_FEE, "0.01", date(2026, 5, 3)),
    ("household of four, last day", "P", CostCategory.ESCORT, "950.00", END),
    ("household of four, last day", "P", CostCategory.CASH_GRANT, "1050.00", date(2026, 7, 1)),
    ("withdrawn", "P", CostCategory.DOCUMENT_FEE, "45.00", date(2026, 3, 1)),
    ("moved after departure", "P", CostCategory.CASH_GRANT, "500.00", date(2026, 4, 10)),
    ("moved after departure", "Q", CostCategory.REINTEGRATION, "1234.56", date(2026, 5, 20)),
    ("another project", "Q", CostCategory.TICKET, "77.77", date(2026, 2, 20)),
]
# Costs booked by simulators (demo or training systems): in no spending figure, apart.
SIMULATED_COSTS: list[tuple[str, str, CostCategory, str, date]] = [
    ("first day", "P", CostCategory.TICKET, "412.37", START),
    ("household of four, last day", "P", CostCategory.CASH_GRANT, "1200.00", date(2026, 6, 2)),
    ("household of four, last day", "P", CostCategory.DOCUMENT_FEE, "180.00", date(2026, 7, 2)),
    ("another project", "Q", CostCategory.TICKET, "390.10", date(2026, 2, 20)),
]
EU_PERCENT, NATIONAL_PERCENT = "33.33", "66.67"
ACTIVITIES = [  # (type, day, participants)
    ("training", date(2026, 3, 10), 24), ("training", END, 10),
    ("information_campaign", START, 0), ("study_visit", date(2026, 7, 2), 5),
]


def build(engine: Engine, p: str, q: str) -> None:
    with Session(engine) as session:
        for kind, day, participants in ACTIVITIES:
            session.add(ProjectActivity(project_id=p, type=kind, title=kind, held_on=day,
                                        participants_count=participants))
        session.commit()
    ids: dict[str, str] = {}
    for spec in CASES:
        moved_on = spec.get("moved_on")
        current = q if moved_on or spec.get("project") == "Q" else p
        closed = spec["closed"]
        case = insert_case(
            engine, project_id=current, country_of_origin=spec["country"],
            legal_situation=spec["legal"], created_at=at(spec["created"]),
            updated_at=at(spec.get("last_change") or closed or spec["departed"] or spec["created"]),
            departure_date=spec["departed"], closed_date=closed,
            reintegration_date=spec.get("reintegrated"),
            status=CaseStatus.CLOSED if closed else CaseStatus.ACTIVE,
            stage=Stage.CLOSED if closed else Stage.DEPARTED if spec["departed"] else Stage.INTAKE,
            closure_reason=spec["reason"],
        )
        with Session(engine) as session:
            for i, who in enumerate(spec["people"]):
                session.add(HouseholdMember(
                    id=str(uuid.uuid4()), case_id=case.id, position=i,
                    relationship=Relationship.PRINCIPAL if i == 0 else Relationship.OTHER,
                    given_name="X", family_name="Y", date_of_birth=who["born"], sex=who["sex"],
                    nationality=spec["country"], vulnerabilities=who["vulnerabilities"],
                ))
            if moved_on:
                session.add(ProjectMove(case_id=case.id, from_project_id=p, to_project_id=q,
                                        reason="follow-on", moved_by="supervisor",
                                        moved_at=at(moved_on)))
            session.commit()
        ids[spec["name"]] = case.id
    with Session(engine) as session:
        costs = [(c, False) for c in COSTS] + [(c, True) for c in SIMULATED_COSTS]
        for i, ((name, project, category, amount, day), simulated) in enumerate(costs):
            session.add(Cost(key=f"test:{i}", case_id=ids[name],
                             project_id=p if project == "P" else q, category=category,
                             amount=Decimal(amount), currency="EUR", incurred_on=day,
                             description=name, simulated=simulated))
        session.commit()


def cents(amount: str | Fraction) -> int:
    return round(Fraction(amount) * 100)


def expected_spending(project: str, start: date | None, end: date) -> dict[str, tuple[str, ...]]:
    """Category -> (total, EU, national) as strings, split by integer arithmetic on cents."""
    totals: dict[str, int] = {c.value: 0 for c in CostCategory}
    for _, p, category, amount, day in COSTS:
        if p == project and (start is None or start <= day) and day <= end:
            totals[category.value] += cents(amount)

    def share(total_cents: int) -> tuple[int, int]:
        exact = Fraction(total_cents) * Fraction(EU_PERCENT) / 100  # in cents
        eu = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0)  # half up
        return eu, total_cents - eu

    def money(c: int) -> str:
        return f"{c // 100}.{c % 100:02d}"

    lines = {k: (t, *share(t)) for k, t in totals.items()}
    lines["total"] = tuple(sum(line[i] for line in lines.values()) for i in range(3))  # type: ignore[assignment]
    return {k: tuple(money(c) for c in v) for k, v in lines.items()}


def expected_simulated(project: str, start: date | None, end: date) -> dict[str, str]:
    """Category (and "total") -> the simulated costs' sum, from the table above."""
    totals = {c.value: 0 for c in CostCategory}
    for _, p, category, amount, day in SIMULATED_COSTS:
        if p == project and (start is None or start <= day) and day <= end:
            totals[category.value] += cents(amount)
    totals["total"] = sum(totals.values())
    return {k: f"{c // 100}.{c % 100:02d}" for k, c in totals.items()}


def expected(start: date | None, end: date) -> dict[str, Any]:
    """The report's figures, computed straight from the table above."""
    def inside(day: date | None) -> bool:
        return day is not None and (start is None or start <= day) and day <= end

    departed = [c for c in CASES if "departed" in c["in_p"] and inside(c["departed"])]
    people = [(c, who) for c in departed for who in c["people"]]
    reintegrated = [
        c for c in CASES if "reintegrated" in c["in_p"] and inside(c.get("reintegrated"))
    ]
    closed = [c for c in CASES if "closed" in c["in_p"] and inside(c["closed"])]

    def band(c: dict[str, Any], who: dict[str, Any]) -> str:
        d, b = c["departed"], who["born"]
        age = d.year - b.year - ((d.month, d.day) < (b.month, b.day))
        return "0-17" if age < 18 else "18-34" if age < 35 else "35-59" if age < 60 else "60+"

    def count(values: list[str]) -> dict[str, int]:
        return {v: values.count(v) for v in set(values)}

    activities = [a for a in ACTIVITIES if inside(a[1])]
    persons = len(people)
    achieved = {
        "persons_returned": persons,
        "persons_reintegrated": sum(len(c["people"]) for c in reintegrated),
        "cases_opened": sum(
            1 for c in CASES if "created" in c["in_p"] and inside(c["created"])),
        "training": sum(1 for a in activities if a[0] == "training"),
        "training_participants": sum(a[2] for a in activities if a[0] == "training"),
    }
    return {
        "persons_returned": persons,
        "cases_returned": len(departed),
        "cases_opened": achieved["cases_opened"],
        "cases_closed": len(closed),
        "persons_reintegrated": achieved["persons_reintegrated"],
        "cases_reintegrated": len(reintegrated),
        "spending": expected_spending("P", start, end),
        "simulated": expected_simulated("P", start, end),
        "by_reason": count([c["reason"].value if c["reason"] else "completed" for c in closed]),
        "by_country": count([c["country"] for c, _ in people]),
        "by_legal": count([c["legal"].value for c, _ in people]),
        "by_sex": count([who["sex"].value for _, who in people]),
        "by_age": count([band(c, who) for c, who in people]),
        "by_vulnerability": count(
            [v for _, who in people for v in who["vulnerabilities"] or ["none"]]
        ),
        "average_days": round(
            sum((c["departed"] - c["created"]).days for c in departed) / len(departed), 1
        ) if departed else None,
        "targets": {
            name: (target, achieved.get(name), round(achieved[name] / target * 100, 1)
                   if name in achieved and target else None)
            for name, target in TARGETS.items()
        },
        "activities": {
            kind: (sum(1 for a in activities if a[0] == kind),
                   sum(a[2] for a in activities if a[0] == kind))
            for kind in {a[0] for a in activities}
        },
    }


def nonzero(d: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in d.items() if v}


def check(report: dict[str, Any], want: dict[str, Any]) -> None:
    for figure in ("persons_returned", "cases_returned", "cases_opened", "cases_closed",
                   "persons_reintegrated", "cases_reintegrated"):
        assert report[figure] == want[figure], figure
    spending = {k: (v["total"], v["eu_share"], v["national_share"])
                for k, v in report["spending_by_category"].items()}
    t = report["spending_total"]
    spending["total"] = (t["total"], t["eu_share"], t["national_share"])
    assert spending == want["spending"]
    for total, eu, national in spending.values():  # the shares add up to the cent
        assert Decimal(eu) + Decimal(national) == Decimal(total)
    simulated = dict(report["simulated_costs_by_category"])
    simulated["total"] = report["simulated_costs_total"]
    assert simulated == want["simulated"]
    assert nonzero(report["cases_closed_by_reason"]) == want["by_reason"]
    assert report["persons_returned_by_country_of_origin"] == want["by_country"]
    assert nonzero(report["persons_returned_by_legal_situation"]) == want["by_legal"]
    assert nonzero(report["persons_returned_by_sex"]) == want["by_sex"]
    assert nonzero(report["persons_returned_by_age_band"]) == want["by_age"]
    assert set(report["persons_returned_by_age_band"]) == {"0-17", "18-34", "35-59", "60+"}
    assert nonzero(report["persons_returned_by_vulnerability"]) == want["by_vulnerability"]
    assert report["average_days_intake_to_departure"] == want["average_days"]
    assert {t["name"]: (t["target"], t["achieved"], t["percent"])
            for t in report["targets"]} == want["targets"]
    assert {k: (f["activities"], f["participants"])
            for k, f in report["activities_by_type"].items()
            if f["activities"]} == want["activities"]


@pytest.fixture
async def projects(api: httpx.AsyncClient, engine: Engine) -> tuple[str, str]:
    p = await create_project(api, code="P", period_start=START.isoformat(),
                             period_end=END.isoformat(), targets=TARGETS,
                             eu_share_percent=EU_PERCENT, national_share_percent=NATIONAL_PERCENT)
    q = await create_project(api, code="Q", period_start="2026-03-01", period_end="2027-12-31")
    build(engine, p["id"], q["id"])
    return p["id"], q["id"]


async def test_period_report_counts_what_happened_in_the_period(
    api: httpx.AsyncClient, projects: tuple[str, str]
) -> None:
    p, _ = projects
    r = await api.get(f"/projects/{p}/report", params={"start": START, "end": END},
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
    targets = {t["name"]: t for t in report["targets"]}
    assert targets["persons_returned"]["percent"] == 75.0  # 6 of 8
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
    r = await api.get(f"/projects/{p}/report", params={"as_of": AS_OF},
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


async def test_xlsx_and_csv_hold_the_same_figures_as_the_json(
    api: httpx.AsyncClient, projects: tuple[str, str]
) -> None:
    p, _ = projects
    params = {"start": START.isoformat(), "end": END.isoformat()}
    headers = bearer("auditor")
    report = (await api.get(f"/projects/{p}/report", params=params, headers=headers)).json()
    r = await api.get(f"/projects/{p}/report", params=params | {"format": "xlsx"},
                      headers=headers)
    assert r.status_code == 200
    assert "report-P-2026-01-01_2026-06-30.xlsx" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))

    def rows(sheet: str) -> list[tuple[Any, ...]]:
        return list(book[sheet].iter_rows(min_row=2, values_only=True))

    summary = dict(rows("summary"))
    for figure in ("persons_returned", "cases_returned", "cases_opened", "cases_closed",
                   "average_days_intake_to_departure", "start", "end", "persons_reintegrated",
                   "cases_reintegrated", "currency"):
        assert summary[figure] == report[figure], figure
    assert Decimal(str(summary["eu_share_percent"])) == Decimal(report["eu_share_percent"])
    want_spending = {k: tuple(Decimal(v[f]) for f in ("total", "eu_share", "national_share"))
                     for k, v in report["spending_by_category"].items()}
    want_spending["total"] = tuple(
        Decimal(report["spending_total"][f]) for f in ("total", "eu_share", "national_share")
    )
    # Numbers in the sheet (so a donor's spreadsheet can sum them), equal to the cent.
    assert {k: tuple(Decimal(str(x)).quantize(Decimal("0.01")) for x in v)
            for k, *v in rows("spending_by_category")} == want_spending
    for sheet, key in (
        ("cases_closed_by_reason", "cases_closed_by_reason"),
        ("persons_by_country_of_origin", "persons_returned_by_country_of_origin"),
        ("persons_by_legal_situation", "persons_returned_by_legal_situation"),
        ("persons_by_vulnerability", "persons_returned_by_vulnerability"),
        ("persons_by_sex", "persons_returned_by_sex"),
        ("persons_by_age_band", "persons_returned_by_age_band"),
    ):
        assert dict(rows(sheet)) == report[key], sheet
    simulated = {k: Decimal(str(v)).quantize(Decimal("0.01"))
                 for k, v in rows("simulated_costs_not_spending")}
    assert simulated == {k: Decimal(v) for k, v in report["simulated_costs_by_category"].items()
                         } | {"total": Decimal(report["simulated_costs_total"])}
    assert simulated["total"] > 0
    assert rows("targets") == [
        (t["name"], t["target"], t["achieved"], t["percent"]) for t in report["targets"]
    ]
    assert {k: (a, n) for k, a, n in rows("activities_by_type")} == {
        k: (f["activities"], f["participants"]) for k, f in report["activities_by_type"].items()
    }

    r = await api.get(f"/projects/{p}/report", params=params | {"format": "csv"},
                      headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for line in csv.reader(io.StringIO(r.text)):
        if len(line) == 1 and not current:
            sections[line[0]] = current = []
        elif not line:
            current = []
        else:
            current.append(line)
    assert {k: int(v) for k, v in sections["persons_by_age_band"][1:]} == (
        report["persons_returned_by_age_band"]
    )
    assert dict(sections["summary"][1:])["persons_returned"] == str(report["persons_returned"])
    assert {k: tuple(map(Decimal, v)) for k, *v in sections["spending_by_category"][1:]} == (
        want_spending
    )
    assert {k: Decimal(v) for k, v in sections["simulated_costs_not_spending"][1:]} == simulated


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
