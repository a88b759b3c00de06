"""Ranking the stuck cases in the database: most severe reason first, then the oldest, then
the case id; only the ids of the page's head are read, with the number of all."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import literal, union_all
from sqlmodel import Session, col, func, select

from api.stuck.found import RANK, Filters
from models.enums import Severity, StuckReason
from models.tables import Case
from models.tasks import CaseDeadline, CaseTask
from workflows.tasks import HUMAN_ROLES


def ranked_in_tables(
    session: Session, now: datetime, f: Filters, leave_out: Collection[str], first: int | None
) -> tuple[list[str], int]:
    """The cases the projected tables make stuck, in list order, ranked by the database (no
    reason is built for a case the page does not show): the ids of the first ``first`` and
    how many there are; ``leave_out``: cases ranked elsewhere."""
    def reason(table: Any, severity: Severity, since: Any) -> Any:
        return select(col(table.case_id).label("case_id"),
                      literal(RANK[severity]).label("rank"), col(since).label("since"))

    parts = []
    if f.wants(StuckReason.TASK_OVERDUE):
        parts.append(reason(CaseTask, Severity.HIGH, CaseTask.due_at)
                     .where(col(CaseTask.due_at) <= now)
                     .where(col(CaseTask.role).in_(list(HUMAN_ROLES))))
    if f.wants(StuckReason.DEADLINE_MISSED):
        parts.append(reason(CaseDeadline, Severity.CRITICAL, CaseDeadline.due_at)
                     .where(col(CaseDeadline.due_at) <= now))
    if f.wants(StuckReason.DEADLINE_AT_RISK):
        parts.append(reason(CaseDeadline, Severity.MEDIUM, CaseDeadline.at_risk_from)
                     .where(col(CaseDeadline.due_at) > now)
                     .where(col(CaseDeadline.at_risk_from) <= now))
    if not parts:
        return [], 0
    reasons = union_all(*parts).subquery("reasons")
    # Each case's worst reason (most severe, then oldest): one ordered pass over the reasons.
    numbered = select(
        reasons.c.case_id, reasons.c.rank, reasons.c.since,
        func.row_number().over(partition_by=reasons.c.case_id,
                               order_by=(reasons.c.rank, reasons.c.since)).label("n"),
    ).subquery("numbered")
    query = select(numbered.c.case_id, func.count().over()).where(numbered.c.n == 1)
    if f.on_case():
        query = f.case_query(query.join(Case, col(Case.id) == numbered.c.case_id))
    if leave_out:
        query = query.where(numbered.c.case_id.not_in(list(leave_out)))
    # One execution that returns only the head the page can be made of, each row with the
    # number of all. Ties (same rank, same instant) go by case id.
    query = query.order_by(numbered.c.rank, numbered.c.since, numbered.c.case_id)
    if first is not None:
        query = query.limit(first)
    rows = session.exec(query).all()  # the head starts at the first case: empty means none
    return [r[0] for r in rows], (rows[0][1] if rows else 0)


# The case row's earliest deadline due, human task due and at-risk time (the projection's).
FIRST_DUE = (col(Case.first_deadline_due), col(Case.first_task_due), col(Case.first_risk_from))


def _ranked_on_case_columns(
    session: Session, now: datetime, f: Filters, leave_out: Collection[str], first: int | None
) -> tuple[list[str], int]:
    """What ``ranked_in_tables`` gives when every reason counts, from the cases' own
    first_deadline_due / first_task_due / first_risk_from (kept with the rows they summarise):
    one indexed range per severity, counted, and read in order only as far as the page goes.

    A case's worst reason: a deadline missed (its earliest deadline is past), else a human
    task overdue, else a deadline at risk (no deadline is past, so any at-risk time passed
    is one of a deadline still ahead)."""
    deadline, task, risk = FIRST_DUE
    not_missed = deadline.is_(None) | (deadline > now)  # (a NULL never compares true)
    not_overdue = task.is_(None) | (task > now)
    ranks = (
        (deadline <= now, deadline),
        ((task <= now) & not_missed, task),
        ((risk <= now) & not_missed & not_overdue, risk),
    )
    ids: list[str] = []
    total = 0
    for condition, since in ranks:
        query = select(col(Case.id)).where(condition)
        if leave_out:
            query = query.where(col(Case.id).not_in(list(leave_out)))
        total += session.exec(select(func.count()).select_from(query.subquery())).one()
        if first is None or len(ids) < first:
            ordered = query.order_by(since, col(Case.id))
            if first is not None:
                ordered = ordered.limit(first - len(ids))
            ids += session.exec(ordered).all()
    return ids, total


def _ranked_in_one_pass(
    session: Session, now: datetime, f: Filters, leave_out: Collection[str], first: int | None
) -> tuple[list[str], int]:
    """The same ranking for a list filtered on the case (country, stage, ...): the filter's
    index gives the candidates, so one pass over them ranks and counts (per severity, each
    range would be read once more with the filter checked row by row)."""
    deadline, task, risk = FIRST_DUE
    rank = sql_case((deadline <= now, 0), (task <= now, 1), else_=2)
    since = sql_case((deadline <= now, deadline), (task <= now, task), else_=risk)
    query = f.case_query(
        select(col(Case.id), func.count().over())
        .where((deadline <= now) | (task <= now) | (risk <= now))
    )
    if leave_out:
        query = query.where(col(Case.id).not_in(list(leave_out)))
    query = query.order_by(rank, since, col(Case.id))
    if first is not None:
        query = query.limit(first)
    rows = session.exec(query).all()  # from the first case on: empty means none
    return [r[0] for r in rows], (rows[0][1] if rows else 0)


def ranking_for(f: Filters) -> Callable[..., tuple[list[str], int]]:
    """Only some reasons count: rank on the rows themselves; else on the case row's times,
    in one pass over the cases a case filter picks, or by severity range without one."""
    if f.reason is not None:
        return ranked_in_tables
    return _ranked_in_one_pass if f.on_case() else _ranked_on_case_columns
