"""What the dashboard and the other pages read: the case projection and the timeline (the
case list is api/case_list.py, shared with the API)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from api.need_to_know import hidden_cases, hide
from api.web import funnel
from models.enums import CaseStatus, Role, Stage
from models.people import Actor
from models.tables import Case, Project
from models.users import User
from workflows.rules import BEFORE_DEPARTURE


def _by_stage(session: Session, hidden: Any | None) -> Counter[Stage]:
    """Cases per stage. Counted over every case, less the restricted ones hidden from the
    viewer (a few, by id): ``NOT IN (hidden)`` checked on each of 100,000 rows cost 5x the
    count itself."""
    counts: Counter[Stage] = Counter(dict(session.exec(
        select(Case.stage, func.count()).group_by(Case.stage)  # type: ignore[arg-type]
    ).all()))
    if hidden is not None:
        counts.subtract(dict(session.exec(
            select(Case.stage, func.count()).where(col(Case.id).in_(hidden))  # type: ignore[arg-type]
            .group_by(Case.stage)
        ).all()))
    return counts


def _count_cases(session: Session, hidden: Any | None) -> int:
    return sum(_by_stage(session, hidden).values())


def cases_by_stage(session: Session, viewer: Actor | None = None) -> list[tuple[Stage, int]]:
    counts = _by_stage(session, hidden_cases(viewer) if viewer is not None else None)
    return [(stage, counts.get(stage, 0)) for stage in Stage]


def week_of(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def departures_between(
    session: Session, first: date, last: date, viewer: Actor | None = None,
    limit: int | None = None,
) -> list[Case]:
    return list(session.exec(
        hide(select(Case), viewer)
        .where(col(Case.departure_date) >= first, col(Case.departure_date) <= last)
        .where(Case.status != CaseStatus.CLOSED)
        .order_by(col(Case.departure_date)).limit(limit)
    ).all())


def count_departures_between(
    session: Session, first: date, last: date, viewer: Actor | None = None
) -> int:
    return int(session.exec(
        hide(select(func.count()).select_from(Case), viewer)
        .where(col(Case.departure_date) >= first, col(Case.departure_date) <= last)
        .where(Case.status != CaseStatus.CLOSED)
    ).one())


def returns_per_month(
    session: Session, today: date, months: int = 12, viewer: Actor | None = None
) -> list[tuple[str, int]]:
    """Persons returned (household members of departed cases) per month, oldest first."""
    first = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    month_after = (date(today.year, today.month, 1) + timedelta(days=32)).replace(day=1)
    rows = session.exec(
        # The members still in each household (cases.persons, kept by the database with the
        # members: migration 0033), summed from the departure index alone.
        hide(select(col(Case.departure_date), func.sum(Case.persons)), viewer)
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


def stage_funnel(session: Session, viewer: Actor | None = None) -> list[tuple[Stage, int]]:
    """How many cases ever reached each stage (from the timeline's stage changes, counted
    once per process and kept up to date: api/web/funnel.py says why and how)."""
    hidden = hidden_cases(viewer) if viewer is not None else None
    total = _count_cases(session, hidden)
    reached = {summary.removeprefix("stage: "): n
               for summary, n in funnel.reached_counts(session, hidden).items()}
    funnel_rows = [(Stage.INTAKE, total)]
    funnel_rows += [(s, reached.get(s.value, 0))
                    for s in Stage if s not in (Stage.INTAKE, Stage.CLOSED)]
    return funnel_rows


def awaiting(
    session: Session, caseworker_only: bool, limit: int = 10, viewer: Actor | None = None
) -> list[Case]:
    """Cases waiting on a decision: on a caseworker's, or on anyone's (the supervisor view)."""
    query = hide(select(Case), viewer).where(col(Case.awaiting).is_not(None))
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


def booked(session: Session, limit: int = 50, viewer: Actor | None = None) -> list[Case]:
    """Cases in the travel stage, next departure first."""
    return list(session.exec(
        hide(select(Case), viewer).where(Case.stage == Stage.TRAVEL)
        .order_by(col(Case.departure_date).is_(None), col(Case.departure_date))
        .limit(limit)
    ).all())


def handed_over_to(
    session: Session, organisation: str | None, page: int = 1, per_page: int = 20
) -> tuple[list[Case], int]:
    """One page of the cases handed over to a partner organisation, most recently changed
    first, and how many there are (every case on the page asks its workflow for its state)."""
    if organisation is None:
        return [], 0
    mine = col(Case.partner_id) == organisation
    total = session.exec(select(func.count()).select_from(Case).where(mine)).one()
    rows = list(session.exec(
        select(Case).where(mine).order_by(col(Case.updated_at).desc(), col(Case.id))
        .offset((page - 1) * per_page).limit(per_page)
    ).all())
    return rows, total
