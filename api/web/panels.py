"""Extra sections of the dashboard and the case page, added by other parts of the system
(my tasks and stuck cases, costs, overdue monitoring visits, partners).

A panel is a title, a template under api/templates/panels/ and a loader; the page renders
each panel whose loader returns something other than None, in order. Adding one is a
template and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from core.metrics import RESTING_STAGES
from core.settings import Settings
from models.costs import Cost
from models.enums import CaseStatus, Role
from models.tables import Case
from models.tasks import CaseTask
from models.users import User


@dataclass(frozen=True)
class CasePanel:
    title: str
    template: str
    load: Callable[[Session, Case], Any]


def _costs(session: Session, case: Case) -> dict[str, Any]:
    rows = list(session.exec(
        select(Cost).where(Cost.case_id == case.id).order_by(col(Cost.incurred_on), col(Cost.id))
    ).all())
    return {"rows": rows, "total": sum((c.amount for c in rows), Decimal("0.00"))}


CASE_PANELS: list[CasePanel] = [CasePanel("Costs", "panels/costs.html", _costs)]


@dataclass(frozen=True)
class DashboardPanel:
    title: str
    template: str
    load: Callable[[Session, User, date, Settings], Any]  # None: not shown to this user


def _quiet(session: Session, user: User, today: date, settings: Settings) -> Any:
    """Supervisors: active cases nothing happened to for HOMEWARD_STUCK_AFTER_DAYS (the rule
    of the homeward_cases_stuck metric). The work queue's stuck list, with its reasons and
    actions, replaces this once it lands."""
    if user.role != Role.SUPERVISOR:
        return None
    cutoff = datetime.now(UTC) - timedelta(days=settings.stuck_after_days)
    rows = session.exec(
        select(Case).where(Case.status == CaseStatus.ACTIVE)
        .where(col(Case.stage).not_in(RESTING_STAGES))
        .where(col(Case.updated_at) < cutoff)
        .order_by(col(Case.updated_at)).limit(20)
    ).all()
    return {"rows": list(rows), "days": settings.stuck_after_days}


def _my_tasks(session: Session, user: User, today: date, settings: Settings) -> Any:
    """The decisions waiting on me (work queue, #5): caseworkers their own cases' tasks,
    supervisors every supervisor task; oldest due first."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return None
    query = (
        select(CaseTask, Case.reference)
        .join(Case, col(Case.id) == col(CaseTask.case_id))
        .where(CaseTask.role == user.role)
    )
    if user.role == Role.CASEWORKER:
        query = query.where(Case.assignee_id == user.id)
    rows = session.exec(
        query.order_by(col(CaseTask.due_at).is_(None), col(CaseTask.due_at)).limit(15)
    ).all()
    now = datetime.now(UTC)
    return [
        {"task": t, "reference": ref,
         "overdue": t.due_at is not None and t.due_at.replace(tzinfo=t.due_at.tzinfo or UTC) < now}
        for t, ref in rows
    ]


DASHBOARD_PANELS: list[DashboardPanel] = [
    DashboardPanel("My tasks", "panels/tasks.html", _my_tasks),
    DashboardPanel("No change for a while", "panels/quiet.html", _quiet),
]
