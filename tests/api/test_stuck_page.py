"""The stuck list's order and paging (api.stuck.found.page_of): most severe first, then the oldest
reason, then the case id; a page is a slice of that order and the count is of every case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from api.stuck.found import Found, make_reason, page_of
from models.enums import Severity, Stage, StuckReason

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def case(ref: str) -> SimpleNamespace:
    return SimpleNamespace(id=f"id-{ref}", reference=ref, stage=Stage.INTAKE, assignee_id=None,
                           country_of_origin="GE", project_id="p")


def add(found: Found, ref: str, severity: Severity, hours: float) -> None:
    reason = {Severity.CRITICAL: StuckReason.DEADLINE_MISSED, Severity.HIGH: StuckReason.TASK_OVERDUE,
              Severity.MEDIUM: StuckReason.DEADLINE_AT_RISK}[severity]
    found.add(case(ref), make_reason(NOW, NOW - timedelta(hours=hours), reason=reason,
                                 severity=severity, detail=f"{ref} {severity}"))


def test_pages_follow_severity_then_age_then_case_id() -> None:
    found = Found()
    add(found, "C-5", Severity.MEDIUM, 500)
    add(found, "C-1", Severity.HIGH, 10)
    add(found, "C-2", Severity.CRITICAL, 1)
    add(found, "C-3", Severity.HIGH, 30)
    add(found, "C-4", Severity.HIGH, 30)
    add(found, "C-1", Severity.CRITICAL, 2)  # a second, worse reason: C-1 is critical
    whole = page_of(found, 0, None)
    assert [c.reference for c in whole] == ["C-1", "C-2", "C-3", "C-4", "C-5"]
    c1 = whole[0]
    assert c1.severity == Severity.CRITICAL
    assert [r.reason for r in c1.reasons] == [StuckReason.DEADLINE_MISSED, StuckReason.TASK_OVERDUE]
    assert c1.reasons[0].age_hours == 2.0
    assert [c.reference for c in page_of(found, 1, 2)] == ["C-2", "C-3"]
    assert [c.reference for c in page_of(found, 4, 10)] == ["C-5"]
    assert page_of(found, 5, 10) == []
