"""What the stuck list is made of: its filters, the reasons found per case, and the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col

from models.enums import Severity, Stage, StuckReason
from models.schemas_queue import StuckCasePublic, StuckReasonPublic
from models.tables import Case, utc

RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2}


@dataclass
class Filters:
    stage: Stage | None = None
    reason: StuckReason | None = None
    assignee_id: str | None = None
    country: str | None = None
    project_id: str | None = None
    # A referral with no outcome this many days after it was made is a reason.
    referral_outcome_days: int = 14

    def wants(self, reason: StuckReason) -> bool:
        return self.reason is None or self.reason == reason

    def _on_case(self) -> list[tuple[Any, Any]]:
        """The filters on the case row itself, as (column, value)."""
        return [(column, value) for column, value in (
            (Case.stage, self.stage),
            (Case.assignee_id, self.assignee_id),
            (Case.country_of_origin, self.country),
            (Case.project_id, self.project_id),
        ) if value is not None]

    def on_case(self) -> bool:
        """Whether any filter is on the case itself (stage, assignee, country, project)."""
        return bool(self._on_case())

    def case_query(self, query):  # type: ignore[no-untyped-def]
        for column, value in self._on_case():
            query = query.where(column == value)
        return query

    def matches(self, case: Any) -> bool:
        return all(getattr(case, column.key) == value for column, value in self._on_case())


@dataclass
class Found:
    """Reasons as plain dicts: with thousands of stuck cases only the page asked for is
    turned into response models (building them all cost more than the queries)."""

    cases: dict[str, Any] = field(default_factory=dict)
    reasons: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, case: Any, reason: dict[str, Any]) -> None:  # a Case or a row of its columns
        self.cases[case.id] = case
        self.reasons.setdefault(case.id, []).append(reason)


def make_reason(now: datetime, since: datetime, **kw: object) -> dict[str, Any]:
    since = utc(since)
    return {"since": since, "age_hours": round((now - since).total_seconds() / 3600, 2), **kw}


# The case columns the list shows (plain rows: loading thousands of full Case objects
# would cost more than the queries).
CASE_COLUMNS = (
    col(Case.id), col(Case.reference), col(Case.stage), col(Case.assignee_id),
    col(Case.country_of_origin), col(Case.project_id),
)


def page_of(found: Found, offset: int, limit: int | None) -> list[StuckCasePublic]:
    """Most severe first, then oldest reason first, then case id; only the page becomes
    response models."""
    ranked = []
    for case_id, reasons in found.reasons.items():
        reasons.sort(key=lambda r: (RANK[r["severity"]], r["since"]))
        ranked.append((RANK[reasons[0]["severity"]], reasons[0]["since"], case_id))
    ranked.sort()
    end = None if limit is None else offset + limit
    out = []
    for *_, case_id in ranked[offset:end]:
        case, reasons = found.cases[case_id], found.reasons[case_id]
        out.append(StuckCasePublic(
            case_id=case.id, reference=case.reference, stage=case.stage,
            assignee_id=case.assignee_id, country_of_origin=case.country_of_origin,
            project_id=case.project_id, severity=reasons[0]["severity"],
            reasons=[StuckReasonPublic(**r) for r in reasons],
        ))
    return out
