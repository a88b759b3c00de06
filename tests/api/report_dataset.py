"""The dataset the donor-report tests build, spelled out by hand: cases of projects P and Q
(where each was on each day, its dates and people), costs, activities, outreach, plan
components, scored visits, referrals and targets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from models.enums import (
    ClosureReason,
    CostCategory,
    LegalSituation,
    Sex,
)

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


# Outreach without a case: (project, kind, place type, place, day, reached, case it led to).
OUTREACH: list[tuple[str, str, str, str, date, list[tuple[str, str, str, int]], str | None]] = [
    ("P", "information_session", "detention_centre", "Daugavpils", date(2026, 2, 3),
     [("GE", "male", "18-34", 12), ("GE", "female", "18-34", 3), ("UZ", "male", "35-59", 4)],
     None),
    ("P", "counselling", "reception_centre", "Mucenieki", date(2026, 2, 5),
     [("GE", "male", "18-34", 1)], "withdrawn"),
    ("P", "counselling", "reception_centre", "Mucenieki", END, [("UA", "female", "60+", 1)],
     None),
    ("P", "information_session", "community", "Riga", date(2026, 7, 1),  # after the period
     [("GE", "male", "18-34", 9)], None),
    ("Q", "information_session", "detention_centre", "Daugavpils", date(2026, 4, 1),
     [("MD", "female", "0-17", 2)], None),
]
# Plan components (as copied from the workflow's plan): case, id, kind, level, other
# beneficiaries, actual cost and day delivered (None: not yet).
COMPONENTS: list[tuple[str, str, str, str, int, str | None, date | None]] = [
    ("first day", "c1", "business_start_up", "individual", 0, "1450.00", date(2026, 3, 1)),
    ("first day", "c2", "counselling", "community", 25, "300.00", date(2026, 4, 2)),
    ("first day", "c3", "training", "structural", 0, None, None),
    ("day before", "c1", "housing", "individual", 0, "899.99", START),
    ("day before", "c2", "legal_documents", "structural", 0, "120.50", date(2026, 6, 3)),
    ("household of four, last day", "c1", "schooling", "community", 40, "700.00",
     date(2026, 7, 20)),  # after the period
    ("moved after departure", "c1", "job_placement", "individual", 0, "600.00",
     date(2026, 5, 20)),  # the case is the follow-on project's now
]
# Scored monitoring visits: case, number, months after arrival (None: an extra visit),
# reported on, economic, social, psychosocial, overall.
SCORES: list[tuple[str, int, int | None, date, str, str, str, str]] = [
    ("day before", 1, 3, date(2026, 3, 30), "0.40", "0.70", "0.55", "0.55"),
    ("day before", 2, 6, date(2026, 5, 30), "0.66", "0.80", "0.60", "0.69"),
    ("day before", 3, 12, date(2026, 6, 15), "0.70", "0.66", "0.65", "0.67"),
    ("first day", 1, 3, date(2026, 4, 1), "0.20", "0.50", "0.75", "0.48"),
    ("first day", 2, 12, date(2026, 6, 29), "0.30", "0.90", "0.66", "0.62"),
    ("first day", 3, None, date(2026, 6, 20), "0.25", "0.24", "0.74", "0.41"),
    ("household of four, last day", 1, 3, date(2026, 7, 5), "0.1", "0.1", "0.1", "0.1"),
    ("moved after departure", 1, 3, date(2026, 6, 1), "0.9", "0.9", "0.9", "0.9"),
]
THRESHOLD = "0.66"
# Referrals: case, provider kind, outcome (None: pending), sent on, after the return.
REFERRALS: list[tuple[str, str, str | None, date, bool]] = [
    ("first day", "medical", "service_given", date(2026, 2, 1), True),
    ("first day", "psychosocial", None, date(2026, 3, 1), True),
    ("household of four, last day", "shelter", "declined", date(2026, 4, 1), False),
    ("household of four, last day", "medical", "accepted", date(2026, 4, 2), False),
    ("withdrawn", "legal_aid", "accepted", date(2026, 8, 1), False),  # after the period
    ("another project", "medical", "accepted", date(2026, 2, 5), False),
]
# Targets beyond the whole figures: (figure, breakdown, part, target).
SPLIT_TARGETS: list[tuple[str, str, str, int]] = [
    ("persons_returned", "country_of_origin", "GE", 3),
    ("persons_returned", "country_of_origin", "UA", 4),
    ("persons_returned", "country_of_origin", "MD", 1),
    ("cases_opened", "quarter", "2026-Q1", 5),
    ("cases_opened", "quarter", "2026-Q2", 3),
    ("outreach_persons_reached", "sex", "male", 20),
    ("outreach_persons_reached", "sex", "female", 10),
    ("components_delivered", "level", "individual", 2),
    ("components_delivered", "level", "structural", 2),
]


def spec_of(name: str) -> dict[str, Any]:
    return next(c for c in CASES if c["name"] == name)


def current_project(spec: dict[str, Any]) -> str:
    """Where a case is today (outreach aside, the new sections count by it)."""
    return "Q" if spec.get("moved_on") or spec.get("project") == "Q" else "P"
