"""Referrals counted for a project's report: by the provider's kind and by outcome, never
with names. For api/reports.py to call (see the report's 'referrals' section)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from models.protection import Referral, ServiceProvider
from models.tables import Case

PENDING = "pending"  # no outcome recorded yet


def referral_counts(session: Session, project_id: str, window: Any) -> dict[str, Any]:
    """Referrals made in ``window`` for the project's cases: how many, by kind, by outcome
    (``pending`` when none yet), by kind and outcome, and how many after the return.

    ``window``: (first, last) days, inclusive, UTC; or the report's ``Window`` (``start`` None:
    everything up to ``end``, as ``?as_of=`` asks). Restricted cases count too: the figures
    name no one."""
    first, last = (window.start, window.end) if hasattr(window, "end") else window
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)
    query = (
        select(ServiceProvider.kind, Referral.outcome, Referral.after_return)
        .join(ServiceProvider, col(ServiceProvider.id) == col(Referral.provider_id))
        .join(Case, col(Case.id) == col(Referral.case_id))
        .where(Case.project_id == project_id).where(col(Referral.sent_at) < end)
    )
    if first is not None:
        query = query.where(
            col(Referral.sent_at) >= datetime.combine(first, time.min, tzinfo=UTC))
    rows = session.exec(query).all()
    by_kind: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    both: dict[str, Counter[str]] = {}
    after_return = 0
    for kind, outcome, returned in rows:
        k, o = kind.value, outcome.value if outcome else PENDING
        by_kind[k] += 1
        by_outcome[o] += 1
        both.setdefault(k, Counter())[o] += 1
        after_return += bool(returned)
    return {
        "total": len(rows),
        "by_kind": dict(sorted(by_kind.items())),
        "by_outcome": dict(sorted(by_outcome.items())),
        "by_kind_and_outcome": {k: dict(sorted(v.items())) for k, v in sorted(both.items())},
        "after_return": after_return,
    }
