"""After departure, the pure part: calendar arithmetic of visits and the case's warnings.

No workflow calls here, so the import service and the tests use it as they are.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time

from models.enums import Stage
from models.payloads import CaseState
from models.reintegration import MonitoringVisit


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def at_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def visits_after(arrived: date, months: list[int]) -> list[MonitoringVisit]:
    """The monitoring visits, ``months`` after the arrival."""
    return [
        MonitoringVisit(number=i + 1, due_on=add_months(arrived, m))
        for i, m in enumerate(months)
    ]


def warnings(state: CaseState, now: datetime) -> list[str]:
    """The after-departure part of the case's warnings."""
    out: list[str] = []
    arrival = state.arrival
    if state.stage == Stage.ARRIVAL and arrival.expected_by and now >= arrival.expected_by:
        out.append(f"arrival not confirmed by the partner since {arrival.expected_by:%Y-%m-%d}")
    for v in state.monitoring.visits:
        if v.overdue and v.reported_on is None:
            out.append(f"monitoring visit {v.number} (due {v.due_on}) is overdue")
    for f in state.minors.open_follow_ups():
        if f.overdue:
            out.append(f"{f.kind.replace('_', ' ')} follow-up {f.number} of an unaccompanied "
                       f"minor (due {f.due_on}) is overdue")
    return out
