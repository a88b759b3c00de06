"""The donor report counted by the database equals the report counted case by case in
Python (the computation it replaced), on thousands of generated cases, costs and moves."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

import api.reports
from api.report_counts import Counts, Window
from api.reports import build_report
from models.costs import Cost
from models.enums import (
    CaseStatus,
    ClosureReason,
    CostCategory,
    Fund,
    LegalSituation,
    LocationType,
    Relationship,
    Sex,
    Stage,
    Vulnerability,
)
from models.projects import ProjectMove
from models.tables import Case, HouseholdMember, Project

P, Q = "p-fast", "q-fast"
FIRST = date(2025, 1, 1)
WINDOWS = [Window(date(2026, 1, 1), date(2026, 12, 31)), Window(date(2026, 3, 1), date(2026, 3, 1)),
           Window(None, date(2026, 6, 30)), Window(date(2025, 7, 1), date(2027, 6, 30))]


def day(rng: random.Random, after: date, within: int = 400) -> date:
    return after + timedelta(days=rng.randint(0, within))


def moment(rng: random.Random, on: date) -> datetime:
    """Often at the edges of a day, where a UTC day's boundary would show."""
    at = rng.choice([time(0, 0), time(23, 59, 59, 999999), time(rng.randint(0, 23), 30)])
    return datetime.combine(on, at, tzinfo=UTC)


def generate(engine: Engine, n: int = 1500, seed: int = 25) -> None:
    rng = random.Random(seed)
    cases, people, costs, moves = [], [], [], []
    flags = [v.value for v in Vulnerability]
    for i in range(n):
        created = day(rng, FIRST, 500)
        departed = day(rng, created, 200) if rng.random() < 0.6 else None
        reintegrated = day(rng, departed, 300) if departed and rng.random() < 0.5 else None
        closed = rng.random() < 0.3
        closed_on = day(rng, departed or created, 300) if closed else None
        home = rng.choice([P, P, P, Q])
        case_id = str(uuid.uuid4())
        cases.append({
            "id": case_id, "reference": f"FP-{i:06d}", "project_id": home,
            "created_at": moment(rng, created),
            "updated_at": moment(rng, day(rng, closed_on or created, 30)),
            "stage": Stage.CLOSED if closed else Stage.INTAKE,
            "status": CaseStatus.CLOSED if closed else rng.choice(list(CaseStatus)[:2]),
            "country_of_origin": rng.choice(["GE", "UA", "MD", "AM"]),
            "legal_situation": rng.choice(list(LegalSituation)),
            "location_type": LocationType.RECEPTION_CENTRE, "departure_date": departed,
            "reintegration_date": reintegrated,
            # Cases closed before the closure date was recorded count their last change.
            "closed_date": closed_on if closed and rng.random() < 0.8 else None,
            "closure_reason": rng.choice([None, *ClosureReason]) if closed else None,
        })
        for position in range(rng.choice([0, 1, 1, 2, 3, 5])):
            born = departed or created
            people.append({
                "id": str(uuid.uuid4()), "case_id": case_id, "position": position,
                "relationship": Relationship.PRINCIPAL if position == 0 else Relationship.OTHER,
                "given_name": "X", "family_name": "Y", "nationality": "GE",
                # Birthdays around the departure day, on the age bands' edges too (and a
                # few after it: typing errors, counted 0-17 both ways).
                "date_of_birth": born.replace(year=born.year - rng.choice([0, 17, 18, 35, 60, 70]))
                - timedelta(days=rng.randint(-2, 2)) if born.month != 2 or born.day != 29 else
                date(1990, 1, 1),
                "sex": rng.choice(list(Sex)),
                "vulnerabilities": rng.choice([[], [], rng.sample(flags, rng.randint(1, 3))]),
            })
        for k in range(rng.randint(0, 4)):
            costs.append({
                "key": f"{case_id}:{k}", "case_id": case_id, "project_id": rng.choice([home, P]),
                "category": rng.choice(list(CostCategory)), "currency": "EUR",
                "amount": Decimal(rng.randint(1, 200_000)) / 100, "description": "generated",
                "incurred_on": day(rng, created, 500), "simulated": rng.random() < 0.1,
            })
        if rng.random() < 0.08:  # moved once or twice, either way, at any time of its life
            here = home
            for _ in range(rng.randint(1, 2)):
                there = Q if here == P else P
                moves.append({"case_id": case_id, "from_project_id": here,
                              "to_project_id": there, "reason": "follow-on", "moved_by": "s",
                              "moved_at": moment(rng, day(rng, created, 300))})
                here = there
            cases[-1]["project_id"] = here
    with Session(engine) as session:
        for pid in (P, Q):
            session.add(Project(id=pid, fund=Fund.AMIF, code=pid, title=pid,
                                period_start=FIRST, period_end=date(2027, 12, 31), currency="EUR",
                                total_budget=Decimal(0), eu_share_percent=Decimal("33.33"),
                                national_share_percent=Decimal("66.67"),
                                targets={"persons_returned": 100, "cases_closed": 50}))
        session.commit()
        for table, rows in ((Case, cases), (HouseholdMember, people), (Cost, costs),
                            (ProjectMove, moves)):
            session.exec(insert(table), params=rows)  # type: ignore[call-overload]
        session.commit()


def every_case_one_by_one(session: Session, project_id: str
                          ) -> tuple[list[Case], dict[str, list[ProjectMove]]]:
    """What the report read before: every case of the project and every moved one."""
    moves_of: dict[str, list[ProjectMove]] = {}
    for move in session.exec(select(ProjectMove).order_by(col(ProjectMove.moved_at),
                                                         col(ProjectMove.id))).all():
        moves_of.setdefault(move.case_id, []).append(move)
    moved = [c for c, ms in moves_of.items()
             if any(project_id in (m.from_project_id, m.to_project_id) for m in ms)]
    cases = session.exec(select(Case).where(or_(Case.project_id == project_id,
                                                col(Case.id).in_(moved)))).all()
    return list(cases), moves_of


def test_the_database_counts_what_the_case_by_case_count_did(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(engine)
    with Session(engine) as session:
        for pid in (P, Q):
            project = session.get(Project, pid)
            assert project is not None
            for window in WINDOWS:
                fast = build_report(session, project, window)
                with monkeypatch.context() as m:
                    m.setattr(api.reports, "count_unmoved", lambda *_: Counts())
                    m.setattr(api.reports, "moved_cases",
                              lambda s, p: every_case_one_by_one(s, p))
                    slow = build_report(session, project, window)
                assert fast == slow, (pid, window)
                # Spending: each cost added up as a Decimal, as before; a simulator's apart.
                for category, line in fast.spending_by_category.items():
                    costs = [c for c in session.exec(select(Cost).where(
                        Cost.project_id == pid, Cost.category == category)).all()
                        if window.holds(c.incurred_on)]
                    assert line.total == sum((Decimal(c.amount) for c in costs
                                              if not c.simulated), Decimal("0.00"))
                    assert fast.simulated_costs_by_category[category] == sum(
                        (Decimal(c.amount) for c in costs if c.simulated), Decimal("0.00"))
        year = build_report(session, session.get(Project, P), WINDOWS[0])  # type: ignore[arg-type]
    # The data reaches every figure: enough departures, closures, people and ages.
    assert year.cases_returned > 100 and year.persons_returned > 200
    assert all(year.persons_returned_by_age_band.values())
    assert year.cases_closed > 50 and year.average_days_intake_to_departure
    assert year.persons_returned_by_vulnerability["none"] < year.persons_returned
    assert year.simulated_costs_total > 0
