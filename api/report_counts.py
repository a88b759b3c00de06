"""The case and person counts of a donor report, in two ways that give the same figures.

Most cases never move between projects: every event of theirs counts for their project, so
their figures are counted by the database (``count_unmoved``: a handful of GROUP BY queries,
a few hundred rows back at 100,000 cases). The few that moved count each event for the
project they were in that day: they are read as objects and counted in Python
(``count_cases``), which is also how every case was counted before (17 s at 100,000 cases).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.enums import CaseStatus, ClosureReason, LegalSituation, Sex, Vulnerability
from models.projects import ProjectMove
from models.schemas import age_on
from models.tables import Case, HouseholdMember

AGE_BANDS: list[tuple[int, str]] = [(60, "60+"), (35, "35-59"), (18, "18-34"), (0, "0-17")]
COMPLETED = "completed"  # a case closed with no closure reason ran its course


@dataclass(frozen=True)
class Window:
    start: date | None
    end: date

    def holds(self, day: date | None) -> bool:
        return day is not None and (self.start is None or self.start <= day) and day <= self.end


@dataclass
class Counts:
    """What a report counts of cases and their people; two parts add up with ``add``."""

    opened: int = 0
    returned: int = 0  # cases departed
    days_to_departure: int = 0  # summed over the cases departed
    reintegrated: int = 0
    persons_reintegrated: int = 0
    closed_by_reason: Counter[str] = field(default_factory=lambda: Counter(
        {r.value: 0 for r in ClosureReason} | {COMPLETED: 0}))
    by_country: Counter[str] = field(default_factory=Counter)
    by_legal: Counter[str] = field(default_factory=lambda: Counter(
        {s.value: 0 for s in LegalSituation}))
    by_vulnerability: Counter[str] = field(default_factory=lambda: Counter(
        {v.value: 0 for v in Vulnerability} | {"none": 0}))
    by_sex: Counter[str] = field(default_factory=lambda: Counter({s.value: 0 for s in Sex}))
    by_age: Counter[str] = field(default_factory=lambda: Counter(
        {label: 0 for _, label in reversed(AGE_BANDS)}))

    @property
    def persons_returned(self) -> int:
        return sum(self.by_sex.values())

    def add(self, other: Counts) -> None:
        for name, value in vars(other).items():
            if isinstance(value, Counter):
                getattr(self, name).update(value)  # update keeps the zero counts
            else:
                setattr(self, name, getattr(self, name) + value)


def travelled() -> Any:
    """The household members who travelled: one who left the household before departure
    (``removed_at``) did not return, and is not counted as returned or reintegrated."""
    return col(HouseholdMember.removed_at).is_(None)


def age_band(age: int) -> str:
    """A birth date after the departure (a typing error) counts as 0-17, as in the database's
    count; it used to fail the whole report."""
    return next((label for lowest, label in AGE_BANDS if age >= lowest), AGE_BANDS[-1][1])


def project_on(case: Case, moves: list[ProjectMove], day: date) -> str:
    """The project a case belonged to on a day, from its dated moves (oldest first)."""
    before = [m for m in moves if m.moved_at.date() <= day]
    if before:
        return before[-1].to_project_id
    return moves[0].from_project_id if moves else case.project_id


def closed_on(case: Case) -> date | None:
    if case.status != CaseStatus.CLOSED:
        return None
    return case.closed_date or case.updated_at.date()


def count_cases(session: Session, project_id: str, window: Window, cases: list[Case],
                moves_of: dict[str, list[ProjectMove]]) -> Counts:
    """Count each case's events that fall in the window while it was in the project."""
    def ours(case: Case, day: date | None) -> bool:
        if day is None or not window.holds(day):
            return False
        return project_on(case, moves_of.get(case.id, []), day) == project_id

    n = Counts()
    departed = [c for c in cases if ours(c, c.departure_date)]
    reintegrated = [c for c in cases if ours(c, c.reintegration_date)]
    members: dict[str, list[HouseholdMember]] = {c.id: [] for c in departed + reintegrated}
    if members:
        for m in session.exec(
            select(HouseholdMember).where(col(HouseholdMember.case_id).in_(list(members)))
            .where(travelled())
        ).all():
            members[m.case_id].append(m)
    n.opened = sum(1 for c in cases if ours(c, c.created_at.date()))
    for case in cases:
        if ours(case, closed_on(case)):
            n.closed_by_reason[case.closure_reason.value if case.closure_reason
                               else COMPLETED] += 1
    for case in departed:
        assert case.departure_date is not None
        n.days_to_departure += (case.departure_date - case.created_at.date()).days
        for person in members[case.id]:
            n.by_country[case.country_of_origin] += 1
            n.by_legal[case.legal_situation.value] += 1
            n.by_sex[person.sex.value] += 1
            n.by_age[age_band(age_on(person.date_of_birth, case.departure_date))] += 1
            for v in person.vulnerabilities or ["none"]:
                n.by_vulnerability[v] += 1
    n.returned, n.reintegrated = len(departed), len(reintegrated)
    n.persons_reintegrated = sum(len(members[c.id]) for c in reintegrated)
    return n


def in_window(column: Any, window: Window) -> Any:
    low = [] if window.start is None else [column >= window.start]
    return sa.and_(*low, column <= window.end)


def _day_in(column: Any, window: Window) -> Any:
    """A stored UTC time whose day falls in the window (the range keeps its index usable)."""
    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=UTC)
    low = [] if window.start is None else [column >= midnight(window.start)]
    return sa.and_(*low, column < midnight(window.end + timedelta(days=1)))


def _day_number(session: Session, column: Any) -> Any:
    """A date as the integer yyyymmdd."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.to_char(column, "YYYYMMDD"), sa.Integer)
    # SQLite stores a date as its ISO text: the digits are the number (cheaper than strftime).
    return sa.cast(sa.func.replace(column, "-", ""), sa.Integer)


def _days_between(session: Session, later: Any, created_at: Any) -> Any:
    """Whole days from a stored UTC time's day to a date."""
    if session.get_bind().dialect.name == "postgresql":
        return later - sa.cast(sa.func.timezone("UTC", created_at), sa.Date)
    return sa.cast(sa.func.round(sa.func.julianday(later)
                                 - sa.func.julianday(sa.func.date(created_at))), sa.Integer)


def count_unmoved(session: Session, project_id: str, window: Window) -> Counts:
    """``count_cases`` for the project's cases that never moved, counted by the database."""
    never_moved = ~sa.exists().where(col(ProjectMove.case_id) == col(Case.id))
    ours = sa.and_(col(Case.project_id) == project_id, never_moved)
    n = Counts()

    def scalar(*what: Any, where: Any, join: bool = False) -> Any:
        query = sa.select(*what).select_from(Case)
        if join:
            query = query.join(HouseholdMember, col(HouseholdMember.case_id) == col(Case.id))
            where = sa.and_(where, travelled())
        return session.execute(query.where(ours, where)).one()

    n.opened = scalar(sa.func.count(), where=_day_in(col(Case.created_at), window))[0]
    closed = sa.and_(ours, col(Case.status) == CaseStatus.CLOSED)
    for on_the_day in (
        # The closure date (read from the (project, status, closed_date, ...) index) ...
        sa.and_(col(Case.closed_date).is_not(None), in_window(col(Case.closed_date), window)),
        # ... or, for the few closed before it was recorded, their last change.
        sa.and_(col(Case.closed_date).is_(None), _day_in(col(Case.updated_at), window)),
    ):
        for reason, count in session.execute(
            sa.select(Case.closure_reason, sa.func.count()).where(closed, on_the_day)
            .group_by(Case.closure_reason)
        ).all():
            n.closed_by_reason[reason.value if reason else COMPLETED] += count
    departed = in_window(col(Case.departure_date), window)
    days = _days_between(session, col(Case.departure_date), col(Case.created_at))
    n.returned, total_days = scalar(sa.func.count(), sa.func.sum(days), where=departed)
    n.days_to_departure = int(total_days or 0)
    reintegrated = in_window(col(Case.reintegration_date), window)
    n.reintegrated = scalar(sa.func.count(), where=reintegrated)[0]
    n.persons_reintegrated = scalar(sa.func.count(), where=reintegrated, join=True)[0]
    # An age in years is at least N when (departure - birthday) as yyyymmdd numbers is at
    # least N × 10,000: each band is one comparison, and the database sends one row per
    # band, not per age.
    gap = (_day_number(session, col(Case.departure_date))
           - _day_number(session, col(HouseholdMember.date_of_birth)))
    band = sa.case(*((gap >= lowest * 10_000, label) for lowest, label in AGE_BANDS[:-1]),
                   else_=AGE_BANDS[-1][1])
    flags = sa.cast(HouseholdMember.vulnerabilities, sa.Text)
    parsed: dict[str | None, list[str]] = {}
    for country, legal, sex, age_label, vulnerabilities, count in session.execute(
        sa.select(Case.country_of_origin, Case.legal_situation, HouseholdMember.sex, band,
                  flags, sa.func.count())
        .join(HouseholdMember, col(HouseholdMember.case_id) == col(Case.id))
        .where(ours, departed, travelled())
        .group_by(Case.country_of_origin, Case.legal_situation, HouseholdMember.sex, band,
                  flags)
    ).all():
        n.by_country[country] += count
        n.by_legal[legal.value] += count
        n.by_sex[sex.value] += count
        n.by_age[age_label] += count
        if vulnerabilities not in parsed:
            parsed[vulnerabilities] = (
                json.loads(vulnerabilities) if vulnerabilities else None) or ["none"]
        for v in parsed[vulnerabilities]:
            n.by_vulnerability[v] += count
    return n
