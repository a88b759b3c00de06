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


def _stuck(session: Session, user: User, today: date, settings: Settings) -> Any:
    """Supervisors: how many cases are stuck, by reason, from the work queue's tables (the
    stuck page adds what only Temporal knows: retrying calls in detail, failing workflows)."""
    if user.role != Role.SUPERVISOR:
        return None
    now = datetime.now(UTC)
    active = select(Case.id).where(Case.status == CaseStatus.ACTIVE)

    def count(query: Any) -> int:
        return int(session.exec(query).one())

    return {
        "task_overdue": count(
            select(func.count(func.distinct(CaseTask.case_id)))
            .where(col(CaseTask.due_at) < now).where(col(CaseTask.case_id).in_(active))
        ),
        "deadline_missed": count(
            select(func.count(func.distinct(CaseDeadline.case_id)))
            .where(col(CaseDeadline.due_at) < now).where(col(CaseDeadline.case_id).in_(active))
        ),
        "deadline_at_risk": count(
            select(func.count(func.distinct(CaseDeadline.case_id)))
            .where(col(CaseDeadline.at_risk_from) <= now).where(col(CaseDeadline.due_at) >= now)
            .where(col(CaseDeadline.case_id).in_(active))
        ),
        "activity_retrying": count(
            select(func.count(func.distinct(ActivityRetry.case_id)))
            .where(col(ActivityRetry.case_id).in_(active))
        ),
    }


def _overdue_visits(session: Session, user: User, today: date, settings: Settings) -> Any:
    """Monitoring visits past their date and not reported: caseworkers their own cases',
    supervisors all, a partner its organisation's."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER):
        return None
    query = (
        select(CaseDeadline, Case.reference)
        .join(Case, col(Case.id) == col(CaseDeadline.case_id))
        .where(Case.status == CaseStatus.ACTIVE)
        .where(CaseDeadline.kind == DeadlineKind.MONITORING_VISIT)
        .where(col(CaseDeadline.due_at) < datetime.now(UTC))
    )
    if user.role == Role.CASEWORKER:
        query = query.where(Case.assignee_id == user.id)
    elif user.role == Role.PARTNER:
        query = query.where(Case.partner_id == user.partner_org)
    rows = session.exec(query.order_by(col(CaseDeadline.due_at)).limit(20)).all()
    return [{"deadline": d, "reference": ref} for d, ref in rows]


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
    DashboardPanel(N_("My tasks"), "panels/tasks.html", _my_tasks),
    DashboardPanel(N_("Stuck cases"), "panels/stuck.html", _stuck),
    DashboardPanel(N_("Overdue monitoring visits"), "panels/overdue_visits.html", _overdue_visits),
    DashboardPanel(N_("Referrals waiting for an outcome"), "panels/referrals_due.html",
                   referrals_due),
]
