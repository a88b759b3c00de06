"""Extra sections of the dashboard and the case page, added by other parts of the system
(my tasks and stuck cases, costs, overdue monitoring visits, partners).

A panel is a title, a template under api/templates/panels/ and a loader; the page renders
each panel whose loader returns something other than None, in order. Adding one is a
template and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from api.web.protection import referrals_due
from core.i18n import N_
from core.modes import PaymentsMode
from core.settings import Settings
from models.costs import Cost
from models.enums import CaseStatus, DeadlineKind, Role
from models.payments import BankAccount
from models.tables import Case
from models.tasks import ActivityRetry, CaseDeadline, CaseTask
from models.users import User


def _always(settings: Settings) -> bool:
    return True


@dataclass(frozen=True)
class CasePanel:
    title: str
    template: str
    load: Callable[[Session, Case], Any]
    shown: Callable[[Settings], bool] = _always  # e.g. only in one payments mode


def _bank_account(session: Session, case: Case) -> dict[str, Any]:
    return {"account": session.get(BankAccount, case.id)}


def _by_transfer(settings: Settings) -> bool:
    return settings.payments == PaymentsMode.BANK_TRANSFER


def _costs(session: Session, case: Case) -> dict[str, Any]:
    rows = list(session.exec(
        select(Cost).where(Cost.case_id == case.id).order_by(col(Cost.incurred_on), col(Cost.id))
    ).all())
    return {"rows": rows,
            "total": sum((c.amount for c in rows if not c.simulated), Decimal("0.00")),
            "simulated": sum((c.amount for c in rows if c.simulated), Decimal("0.00"))}


def _partner(session: Session, case: Case) -> dict[str, Any]:
    """The needs assessment made with the returnee, and what the chosen partner was sent."""
    from models.partners import NeedsAssessment, PartnerDelivery

    deliveries = session.exec(
        select(PartnerDelivery).where(PartnerDelivery.case_id == case.id)
        .order_by(col(PartnerDelivery.delivered_at))
    ).all()
    return {"needs": session.get(NeedsAssessment, case.id), "deliveries": list(deliveries)}


CASE_PANELS: list[CasePanel] = [
    CasePanel(N_("Reintegration partner: needs assessment"), "panels/partner.html", _partner),
    CasePanel(N_("Costs"), "panels/costs.html", _costs),
    CasePanel(N_("Bank account for the grant"), "panels/bank_account.html", _bank_account,
              _by_transfer),
]


@dataclass(frozen=True)
class DashboardPanel:
    title: str
    template: str
    load: Callable[[Session, User, date, Settings], Any]  # None: not shown to this user


def _on_active_case(table: Any, *case_conditions: Any) -> Any:
    """The row's case is active (and meets ``case_conditions``): checked row by row with the
    case's primary key. As ``case_id IN (active cases)`` or a join, SQLite started from the
    80,000 active cases of a 100,000-case office and looked each one's rows up (0.4-1.3 s a
    count); this way the row's own index (a due time, a kind) picks the few rows first."""
    return (
        select(Case.id).where(col(Case.id) == table.case_id)
        .where(Case.status == CaseStatus.ACTIVE).where(*case_conditions).exists()
    )


def _stuck(session: Session, user: User, today: date, settings: Settings) -> Any:
    """Supervisors: how many cases the stuck list shows under each reason (a case may have
    several), from the work queue's tables (the stuck page adds what only Temporal knows:
    retrying calls in detail, failing workflows). Only an active case has open tasks and
    deadlines (the projection writes none for another), as the stuck list relies on too.

    An overdue task and a missed deadline are counted on the case row's earliest human task
    due and deadline due (the projection keeps them with the rows, indexed): at 100,000 cases
    a count of distinct cases over the rows took 20-50 ms each, these take about one."""
    if user.role != Role.SUPERVISOR:
        return None
    now = datetime.now(UTC)

    def cases(of: Any, *conditions: Any) -> int:
        return int(session.exec(select(func.count(func.distinct(of))).where(*conditions)).one())

    return {
        "task_overdue": cases(Case.id, col(Case.first_task_due) <= now),
        "deadline_missed": cases(Case.id, col(Case.first_deadline_due) <= now),
        "deadline_at_risk": cases(CaseDeadline.case_id, col(CaseDeadline.at_risk_from) <= now,
                                  col(CaseDeadline.due_at) > now),
        "activity_retrying": cases(ActivityRetry.case_id),
    }


def _overdue_visits(session: Session, user: User, today: date, settings: Settings) -> Any:
    """Monitoring visits past their date and not reported: caseworkers their own cases',
    supervisors all, a partner its organisation's."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER):
        return None
    mine: list[Any] = []
    if user.role == Role.CASEWORKER:
        mine.append(Case.assignee_id == user.id)
    elif user.role == Role.PARTNER:
        mine.append(Case.partner_id == user.partner_org)
    # The visits in date order (their kind and due index), each case checked by its key;
    # the references of the page's twenty read after.
    deadlines = list(session.exec(
        select(CaseDeadline)
        .where(CaseDeadline.kind == DeadlineKind.MONITORING_VISIT)
        .where(col(CaseDeadline.due_at) < datetime.now(UTC))
        .where(_on_active_case(CaseDeadline, *mine))
        .order_by(col(CaseDeadline.due_at)).limit(20)
    ).all())
    return [{"deadline": d, "reference": ref} for d, ref in _with_references(session, deadlines)]


def _with_references(session: Session, rows: list[Any]) -> list[tuple[Any, str]]:
    references = dict(session.exec(
        select(Case.id, Case.reference).where(col(Case.id).in_({r.case_id for r in rows}))
    ).all()) if rows else {}
    return [(r, references[r.case_id]) for r in rows]


def _my_tasks(session: Session, user: User, today: date, settings: Settings) -> Any:
    """The decisions waiting on me (work queue, #5): caseworkers their own cases' tasks,
    supervisors every supervisor task; oldest due first, those with no due time last."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return None
    query = select(CaseTask).where(CaseTask.role == user.role)
    if user.role == Role.CASEWORKER:
        # The task's own assignee (the work queue's index: the projection writes it with the
        # case's, in the same transaction) and, checked by the case's key, the case's.
        query = query.where(CaseTask.assignee_id == user.id).where(
            select(Case.id).where(col(Case.id) == CaseTask.case_id)
            .where(Case.assignee_id == user.id).exists()
        )
    # In two reads rather than one ORDER BY (due_at IS NULL, due_at): that expression has no
    # index, so every task of the role was sorted (50,000 a caseworker at 100,000 cases);
    # walking the assignee's due index (supervisors: their few tasks) stops at the fifteenth.
    rows = list(session.exec(
        query.where(col(CaseTask.due_at).is_not(None)).order_by(col(CaseTask.due_at)).limit(15)
    ).all())
    if len(rows) < 15:
        rows += session.exec(query.where(col(CaseTask.due_at).is_(None)).limit(15 - len(rows))).all()
    now = datetime.now(UTC)
    return [
        {"task": t, "reference": ref,
         "overdue": t.due_at is not None and t.due_at.replace(tzinfo=t.due_at.tzinfo or UTC) < now}
        for t, ref in _with_references(session, rows)
    ]


DASHBOARD_PANELS: list[DashboardPanel] = [
    DashboardPanel(N_("My tasks"), "panels/tasks.html", _my_tasks),
    DashboardPanel(N_("Stuck cases"), "panels/stuck.html", _stuck),
    DashboardPanel(N_("Overdue monitoring visits"), "panels/overdue_visits.html", _overdue_visits),
    DashboardPanel(N_("Referrals waiting for an outcome"), "panels/referrals_due.html",
                   referrals_due),
]
