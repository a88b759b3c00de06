"""Extra sections of the dashboard and the case page, added by other parts of the system
(my tasks and stuck cases, costs, overdue monitoring visits, partners).

A panel is a title, a template under api/templates/panels/ and a loader; the page renders
each panel whose loader returns something other than None, in order. Adding one is a
template and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from models.costs import Cost
from models.tables import Case
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
    load: Callable[[Session, User, date], Any]  # None: not shown to this user


DASHBOARD_PANELS: list[DashboardPanel] = []
