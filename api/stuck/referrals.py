"""Referrals without an outcome: a referral made more than ``referral_outcome_days`` ago that
nobody has recorded an answer for. Few at any time (a partial index range on outcome, sent
time), so these cases are built in full like the ones Temporal reports on."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from api.stuck.found import CASE_COLUMNS, Filters, Found, make_reason
from models.enums import CaseStatus, Severity, StuckReason
from models.protection import Referral
from models.tables import Case, utc


def overdue_referrals(session: Session, now: datetime, f: Filters, found: Found) -> None:
    days = timedelta(days=f.referral_outcome_days)
    due = now - days
    query = (
        select(func.min(Referral.sent_at).label("oldest"), func.count().label("n"), *CASE_COLUMNS)
        .join(Case, col(Case.id) == col(Referral.case_id))
        .where(col(Referral.outcome).is_(None)).where(col(Referral.sent_at) < due)
        .where(Case.status != CaseStatus.CLOSED)
        .group_by(*CASE_COLUMNS)
    )
    for row in session.exec(f.case_query(query)).all():
        found.add(row, make_reason(
            now, utc(row.oldest) + days, reason=StuckReason.REFERRAL_WITHOUT_OUTCOME,
            severity=Severity.MEDIUM,
            detail=f"{row.n} referral(s) without an outcome {f.referral_outcome_days} days "
                   "after they were made: ask the provider and record the answer",
        ))
