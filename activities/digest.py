"""The daily digest's database work: what each active caseworker should look at today."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio import activity

from activities.notifications import active_users
from models.digest import DigestInput, DigestMails
from models.enums import CaseStatus, Role, Stage
from models.external import Mail
from models.tables import Case

log = structlog.get_logger(__name__)


def _section(title: str, cases: list[Case], line: str) -> list[str]:
    if not cases:
        return []
    return [f"{title} ({len(cases)}):"] + [line.format(c=c) for c in cases] + [""]


class DigestActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="prepare_digests")
    def prepare_digests(self, data: DigestInput) -> DigestMails:
        """One mail per active caseworker with an address, from the ``cases`` projection:
        cases awaiting a caseworker decision, departures past their day but not confirmed,
        and (optionally) cases unchanged for ``stalled_after_days``. References only."""
        now = datetime.now(UTC)
        with Session(self._engine) as session:
            active = select(Case).where(Case.status == CaseStatus.ACTIVE)
            awaiting = session.exec(
                active.where(col(Case.awaiting_caseworker).is_(True)).order_by(col(Case.reference))
            ).all()
            overdue = session.exec(
                active.where(Case.stage == Stage.TRAVEL)
                .where(col(Case.departure_date) < now.date())
                .order_by(col(Case.departure_date))
            ).all()
            stalled: list[Case] = []
            if data.stalled_after_days:
                stalled = list(session.exec(
                    active.where(col(Case.updated_at) < now - timedelta(days=data.stalled_after_days))
                    .order_by(col(Case.updated_at))
                ).all())
        body = (
            _section("Awaiting your decision", list(awaiting), "- {c.reference}: {c.awaiting}")
            + _section(
                "Departure day passed, departure not confirmed", list(overdue),
                "- {c.reference}: booked for {c.departure_date}",
            )
            + _section(
                f"No change for {data.stalled_after_days} days or more", stalled,
                "- {c.reference}: {c.stage}, last change {c.updated_at:%Y-%m-%d}",
            )
        )
        if not body:
            return DigestMails(mails=[])
        # No case is assigned to a caseworker yet, so every active caseworker gets the same
        # digest; once cases are assigned each should see only their own.
        users = [u for u in active_users(self._engine, Role.CASEWORKER) if u.email]
        mails = [
            Mail(
                to=[u.email],
                subject=f"Homeward: your cases on {now:%Y-%m-%d}",
                body="\n".join(body).rstrip() + "\n",
                recipient_role=Role.CASEWORKER,
            )
            for u in users
            if u.email
        ]
        log.info("digests prepared", caseworkers=len(mails), awaiting=len(awaiting))
        return DigestMails(mails=mails)
