"""What the dashboard and the case list read: the case projection and the timeline."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from models.enums import CaseStatus, Role, Stage, TimelineKind, Vulnerability
from models.tables import Case, HouseholdMember, Project
from models.timeline import TimelineEntry
from models.users import User
from workflows.rules import BEFORE_DEPARTURE

PAGE_SIZE = 25


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    stage: Stage | None = None
    status: CaseStatus | None = None
    country: str = ""
    project_id: str = ""
    vulnerability: Vulnerability | None = None
    assignee_id: str = ""  # "me" is resolved by the page to the signed-in user
    page: int = 1


def list_cases(session: Session, f: CaseFilters) -> tuple[list[Case], int]:
    """One page of cases, newest first, and how many match."""
    conditions: list[Any] = []
    if f.q:
        conditions.append(func.upper(Case.reference).contains(f.q.strip().upper()))
    if f.stage:
        conditions.append(col(Case.stage) == f.stage)
    if f.status:
        conditions.append(col(Case.status) == f.status)
    if f.country:
        conditions.append(col(Case.country_of_origin) == f.country.strip().upper())
    if f.project_id:
        conditions.append(col(Case.project_id) == f.project_id)
    if f.assignee_id:
        conditions.append(col(Case.assignee_id) == f.assignee_id)
    if f.vulnerability:
        # The flags are a JSON list; its text holds each flag quoted, on SQLite and PostgreSQL.
        flagged = select(HouseholdMember.case_id).where(
            sa.cast(HouseholdMember.vulnerabilities, sa.String).contains(
                f'"{f.vulnerability.value}"'
            )
        )
        conditions.append(col(Case.id).in_(flagged))
    query = select(Case).where(*conditions)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Case.created_at).desc(), col(Case.id))
        .offset((max(f.page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(rows), total


def cases_by_stage(session: Session) -> list[tuple[Stage, int]]:
    counts = dict(
        session.exec(select(Case.stage, func.count()).group_by(Case.stage)).all()  # type: ignore[arg-type]
    )
    return [(stage, counts.get(stage, 0)) for stage in Stage]


def week_of(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def departures_between(session: Session, first: date, last: date) -> list[Case]:
    return list(session.exec(
        select(Case)
        .where(col(Case.departure_date) >= first, col(Case.departure_date) <= last)
        .where(Case.status != CaseStatus.CLOSED)
        .order_by(col(Case.departure_date))
    ).all())


def returns_per_month(session: Session, today: date, months: int = 12) -> list[tuple[str, int]]:
    """Persons returned (household members of departed cases) per month, oldest first."""
    first = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    month_after = (date(today.year, today.month, 1) + timedelta(days=32)).replace(day=1)
    rows = session.exec(
        select(col(Case.departure_date), func.count(col(HouseholdMember.id)))
        .join(HouseholdMember, col(HouseholdMember.case_id) == col(Case.id))
        .where(col(Case.departure_date) >= first, col(Case.departure_date) < month_after)
        # Before departure a departure date is a booking, not a return.
        .where(col(Case.stage).not_in(BEFORE_DEPARTURE))
        .group_by(col(Case.departure_date))
    ).all()
    per_month: Counter[str] = Counter()
    for day, persons in rows:
        per_month[f"{day:%Y-%m}"] += persons
    out, month = [], first
    for _ in range(months):
        out.append((f"{month:%b %y}", per_month[f"{month:%Y-%m}"]))
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def stage_funnel(session: Session) -> list[tuple[Stage, int]]:
    """How many cases ever reached each stage (from the timeline's stage changes)."""
    total = session.exec(select(func.count()).select_from(Case)).one()
    rows = session.exec(
        select(TimelineEntry.summary, func.count(func.distinct(TimelineEntry.case_id)))
        .where(TimelineEntry.kind == TimelineKind.STAGE_CHANGE)
        .group_by(TimelineEntry.summary)
    ).all()
    reached = {summary.removeprefix("stage: "): n for summary, n in rows}
    funnel = [(Stage.INTAKE, total)]
    funnel += [(s, reached.get(s.value, 0)) for s in Stage if s not in (Stage.INTAKE, Stage.CLOSED)]
    return funnel


def awaiting(session: Session, caseworker_only: bool, limit: int = 10) -> list[Case]:
    """Cases waiting on a decision: on a caseworker's, or on anyone's (the supervisor view)."""
    query = select(Case).where(col(Case.awaiting).is_not(None))
    if caseworker_only:
        query = query.where(Case.awaiting_caseworker == True)
    return list(session.exec(query.order_by(col(Case.updated_at)).limit(limit)).all())


def caseworkers(session: Session, active_only: bool = True) -> list[User]:
    """The caseworkers by name: the active ones (whom a case can be assigned to), or all
    (to filter lists by, past cases included)."""
    query = select(User).where(User.role == Role.CASEWORKER)
    if active_only:
        query = query.where(col(User.is_active))
    return list(session.exec(query.order_by(col(User.full_name))).all())


def projects(session: Session) -> list[Project]:
    return list(session.exec(select(Project).order_by(col(Project.code))).all())


def booked(session: Session, limit: int = 50) -> list[Case]:
    """Cases in the travel stage, next departure first."""
    return list(session.exec(
        select(Case).where(Case.stage == Stage.TRAVEL)
        .order_by(col(Case.departure_date).is_(None), col(Case.departure_date))
        .limit(limit)
    ).all())


def handed_over_to(session: Session, organisation: str | None, limit: int = 50) -> list[Case]:
    """The cases handed over to a partner organisation, most recently changed first."""
    if organisation is None:
        return []
    return list(session.exec(
        select(Case).where(Case.partner_id == organisation)
        .order_by(col(Case.updated_at).desc(), col(Case.id)).limit(limit)
    ).all())
