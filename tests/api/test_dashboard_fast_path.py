"""The dashboard's figures, read the fast way (issue 25: a funnel counted once and kept up
to date from the timeline, counts less the hidden cases, panels driven by their own indexes),
equal the straightforward computation on the same data: before and after the timeline grows,
for a supervisor, a caseworker with restricted cases hidden from them, and a partner."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from activities.projection import refresh_due_columns
from api.auth import actor_of
from api.need_to_know import hide
from api.web import funnel, panels, queries
from bench.lists import project_directly
from bench.office_data import fill_timeline, hand_over
from bench.reports_data import fill_history
from core.settings import Settings
from models.enums import (
    HUMAN_ROLES,
    CaseStatus,
    DeadlineKind,
    Role,
    Stage,
    TimelineKind,
)
from models.people import Actor
from models.tables import Case, HouseholdMember
from models.tasks import ActivityRetry, CaseDeadline, CaseTask
from models.timeline import TimelineEntry
from models.users import User
from tests.factories import default_project_id
from workflows.rules import BEFORE_DEPARTURE


def funnel_by_scan(session: Session, viewer: Actor) -> list[tuple[Stage, int]]:
    total = session.exec(hide(select(func.count()).select_from(Case), viewer)).one()
    rows = session.exec(
        hide(select(TimelineEntry.summary, func.count(func.distinct(TimelineEntry.case_id))),
             viewer, TimelineEntry.case_id)
        .where(TimelineEntry.kind == TimelineKind.STAGE_CHANGE).group_by(TimelineEntry.summary)
    ).all()
    reached = {summary.removeprefix("stage: "): n for summary, n in rows}
    return [(Stage.INTAKE, total)] + [(s, reached.get(s.value, 0)) for s in Stage
                                      if s not in (Stage.INTAKE, Stage.CLOSED)]


def by_stage_by_scan(session: Session, viewer: Actor) -> list[tuple[Stage, int]]:
    counts = Counter(c.stage for c in session.exec(hide(select(Case), viewer)).all())
    return [(s, counts.get(s, 0)) for s in Stage]


def returns_by_scan(session: Session, today: date, viewer: Actor) -> dict[str, int]:
    months = today.year * 12 + today.month - 1
    first = date((months - 11) // 12, (months - 11) % 12 + 1, 1)  # twelve months, this one last
    per_month: Counter[str] = Counter()
    for case in session.exec(hide(select(Case), viewer)).all():
        day = case.departure_date
        if day is None or day < first or day > today or case.stage in BEFORE_DEPARTURE:
            continue
        members = session.exec(select(func.count()).select_from(HouseholdMember)
                               .where(HouseholdMember.case_id == case.id)
                               .where(col(HouseholdMember.removed_at).is_(None))).one()
        per_month[f"{day:%b %y}"] += members
    return dict(per_month)


def stuck_by_scan(session: Session, now: datetime) -> dict[str, int]:
    """What the stuck list, filtered by each reason, counts: cases with a human task due,
    with a deadline due, with a deadline at risk but not yet due, with a failing activity."""
    def due(at: datetime | None) -> datetime | None:
        return at.replace(tzinfo=at.tzinfo or UTC) if at is not None else None

    tasks = session.exec(select(CaseTask)).all()
    deadlines = session.exec(select(CaseDeadline)).all()
    return {
        "task_overdue": len({t.case_id for t in tasks if t.role in HUMAN_ROLES
                             and (d := due(t.due_at)) is not None and d <= now}),
        "deadline_missed": len({d.case_id for d in deadlines
                                if due(d.due_at) <= now}),  # type: ignore[operator]
        "deadline_at_risk": len({d.case_id for d in deadlines if d.at_risk_from is not None
                                 and due(d.at_risk_from) <= now < due(d.due_at)}),  # type: ignore[operator]
        "activity_retrying": len({r.case_id for r in session.exec(select(ActivityRetry))}),
    }


def visits_by_scan(session: Session, user: User, now: datetime) -> list[tuple[datetime, str]]:
    rows = []
    for d, case in session.exec(select(CaseDeadline, Case)
                                .join(Case, col(Case.id) == col(CaseDeadline.case_id))).all():
        mine = (user.role == Role.SUPERVISOR or (user.role == Role.CASEWORKER and
                case.assignee_id == user.id) or (user.role == Role.PARTNER
                and case.partner_id == user.partner_org))
        if (mine and case.status == CaseStatus.ACTIVE
                and d.kind == DeadlineKind.MONITORING_VISIT
                and d.due_at.replace(tzinfo=d.due_at.tzinfo or UTC) < now):
            rows.append((d.due_at, case.reference))
    return sorted(rows)[:20]


def tasks_by_scan(session: Session, user: User) -> list[tuple[Any, str]]:
    rows = [(t.due_at is None, t.due_at, t.case_id, t.kind, case.reference)
            for t, case in session.exec(select(CaseTask, Case)
                                        .join(Case, col(Case.id) == col(CaseTask.case_id))).all()
            if t.role == user.role and (user.role != Role.CASEWORKER or case.assignee_id == user.id)]
    return [(r[1], r[4]) for r in sorted(rows, key=lambda r: (r[0], r[1] or datetime.min))[:15]]


def check(engine: Engine, users: dict[str, User], settings: Settings) -> None:
    today, now = date.today(), datetime.now(UTC)
    with Session(engine) as session:
        for name in ("supervisor", "caseworker", "partner"):
            user, viewer = users[name], actor_of(users[name])
            assert queries.stage_funnel(session, viewer) == funnel_by_scan(session, viewer), name
            assert queries.cases_by_stage(session, viewer) == by_stage_by_scan(session, viewer)
            returns = dict(queries.returns_per_month(session, today, viewer=viewer))
            assert {m: n for m, n in returns.items() if n} == returns_by_scan(session, today, viewer)
            visits = panels._overdue_visits(session, user, today, settings)
            assert [(v["deadline"].due_at, v["reference"]) for v in visits] == \
                visits_by_scan(session, user, now), name
            if name != "partner":
                mine = panels._my_tasks(session, user, today, settings)
                assert [(t["task"].due_at, t["reference"]) for t in mine] == \
                    tasks_by_scan(session, user), name
        stuck = panels._stuck(session, users["supervisor"], today, settings)
        assert stuck == stuck_by_scan(session, datetime.now(UTC))
        assert all(stuck.values()), stuck  # every reason has cases: the test compares counts


def test_the_dashboards_fast_figures_equal_a_straight_count(
    engine: Engine, users: dict[str, User], settings: Settings
) -> None:
    funnel.forget()
    project_id = default_project_id(engine)
    project_directly(engine, project_id, 300)
    fill_history(engine, project_id)
    fill_timeline(engine, project_id, per_case=6)
    hand_over(engine, project_id)
    now = datetime.now(UTC)
    with Session(engine) as session:
        ids = session.exec(select(Case.id).order_by(Case.reference)).all()
        # Restricted cases of caseworker2: hidden from caseworker and the partner.
        session.execute(sa.update(Case).where(col(Case.id).in_(ids[:40:4]))
                        .values(restricted=True, assignee_id="caseworker2"))
        # A suspended case (no open tasks: its projection writes none) with a retrying call,
        # which the stuck list shows, another retrying call, monitoring visits.
        session.execute(sa.update(Case).where(col(Case.id) == ids[5])
                        .values(status=CaseStatus.SUSPENDED, assignee_id="caseworker"))
        for i, case_id in enumerate(ids[1:60:6]):
            session.add(CaseDeadline(case_id=case_id, kind=DeadlineKind.MONITORING_VISIT,
                                     due_at=now - timedelta(days=i + 1), detail="visit"))
            session.add(CaseDeadline(case_id=case_id, kind=DeadlineKind.MONITORING_VISIT,
                                     due_at=now + timedelta(days=2), detail="visit",
                                     at_risk_from=now - timedelta(days=1)))
        session.add(ActivityRetry(case_id=ids[7], run_id="r", activity_id="1",
                                  activity_type="book", system="booking", attempt=3,
                                  last_error="down"))
        session.add(ActivityRetry(case_id=ids[5], run_id="r", activity_id="1",
                                  activity_type="book", system="booking", attempt=3,
                                  last_error="down"))
        session.flush()
        refresh_due_columns(session)
        session.commit()
    check(engine, users, settings)  # the first count

    # The timeline grows: a stage reached again (counted once), a new stage, a hidden case's.
    with Session(engine) as session:
        top = session.exec(select(func.max(TimelineEntry.seq))).one() or 0
        for n, (case_id, stage) in enumerate([(ids[1], Stage.INTAKE), (ids[2], Stage.CLEARANCE),
                                              (ids[0], Stage.TRAVEL), (ids[3], Stage.TRAVEL)]):
            seq = top + 100 + n
            session.add(TimelineEntry(case_id=case_id, seq=seq, entry_key=f"{case_id}:{seq}",
                                      at=now, kind=TimelineKind.STAGE_CHANGE,
                                      summary=f"stage: {stage}"))
        session.commit()
    check(engine, users, settings)  # caught up from the new entries
    funnel.forget()
    check(engine, users, settings)  # and counted afresh, the same
