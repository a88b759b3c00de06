"""The daily digest's database work: what each active caseworker should look at today, about
the cases assigned to them (and the unassigned ones)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select
from temporalio import activity

from activities.notifications import active_users
from core import i18n
from core.i18n import _
from models.digest import DigestInput, DigestMails
from models.enums import CaseStatus, Role, Stage
from models.external import Mail
from models.tables import Case, utc
from models.tasks import CaseDeadline, CaseTask

log = structlog.get_logger(__name__)


class DigestActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="prepare_digests")
    def prepare_digests(self, data: DigestInput) -> DigestMails:
        """One mail per active caseworker with an address, about the cases assigned to them
        (and unassigned ones): decisions awaiting them, their tasks overdue or due today,
        deadlines missed or at risk, departures past their day but not confirmed, and
        (optionally) cases unchanged for ``stalled_after_days``. References only."""
        now = datetime.now(UTC)
        end_of_day = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=UTC)
        mails = []
        for user in active_users(self._engine, Role.CASEWORKER):
            if not user.email:
                continue
            # In the caseworker's language (their profile's; English if none).
            with Session(self._engine) as session, i18n.language(user.language):
                body = self._body(session, user.id, data, now, end_of_day)
                subject = _("Homeward: your cases on %(day)s", day=f"{now:%Y-%m-%d}")
            if body:
                mails.append(Mail(
                    to=[user.email],
                    subject=subject,
                    body="\n".join(body).rstrip() + "\n",
                    recipient_role=Role.CASEWORKER,
                ))
        log.info("digests prepared", caseworkers=len(mails))
        return DigestMails(mails=mails)

    def _body(
        self, session: Session, user_id: str, data: DigestInput, now: datetime,
        end_of_day: datetime,
    ) -> list[str]:
        # An unassigned restricted case is for supervisors only (need to know).
        mine = or_(col(Case.assignee_id) == user_id,
                   col(Case.assignee_id).is_(None) & col(Case.restricted).is_(False))
        active = select(Case).where(Case.status == CaseStatus.ACTIVE).where(mine)
        awaiting = session.exec(
            active.where(col(Case.awaiting_caseworker).is_(True)).order_by(col(Case.reference))
        ).all()
        tasks = session.exec(
            select(CaseTask, Case.reference).join(Case, col(Case.id) == col(CaseTask.case_id))
            .where(Case.status == CaseStatus.ACTIVE).where(mine)
            .where(CaseTask.role == Role.CASEWORKER)
            .where(col(CaseTask.due_at) < end_of_day)
            .order_by(col(CaseTask.due_at))
        ).all()
        deadlines = session.exec(
            select(CaseDeadline, Case.reference)
            .join(Case, col(Case.id) == col(CaseDeadline.case_id))
            .where(Case.status == CaseStatus.ACTIVE).where(mine)
            .where(or_(col(CaseDeadline.due_at) < now, col(CaseDeadline.at_risk_from) <= now))
            .order_by(col(CaseDeadline.due_at))
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
        late = [(t, ref) for t, ref in tasks if t.due_at is not None and utc(t.due_at) < now]
        today = [(t, ref) for t, ref in tasks if (t, ref) not in late]
        def waits(text: str | None) -> str:
            return "; ".join(_(part) for part in str(text).split("; "))

        return (
            _lines(_("Awaiting your decision"),
                   [f"- {c.reference}: {waits(c.awaiting)}" for c in awaiting])
            + _lines(_("Your tasks overdue"), [
                f"- {ref}: " + _("%(task)s (due %(when)s)", task=_(t.summary),
                                 when=f"{utc(t.due_at):%Y-%m-%d %H:%M}")
                for t, ref in late
            ])
            + _lines(_("Your tasks due today"), [f"- {ref}: {_(t.summary)}" for t, ref in today])
            + _lines(_("Deadlines missed or at risk"), [
                f"- {ref}: {d.detail} ("
                + (_("missed %(day)s") if utc(d.due_at) < now else _("due %(day)s"))
                % {"day": f"{utc(d.due_at):%Y-%m-%d}"} + ")"
                for d, ref in deadlines
            ])
            + _lines(_("Departure day passed, departure not confirmed"), [
                f"- {c.reference}: " + _("booked for %(day)s", day=str(c.departure_date))
                for c in overdue
            ])
            + _lines(_("No change for %(days)s days or more", days=data.stalled_after_days), [
                f"- {c.reference}: "
                + _("%(stage)s, last change %(day)s", stage=c.stage if i18n.current() == i18n.DEFAULT
                    else _(c.stage.replace("_", " ")),
                    day=f"{c.updated_at:%Y-%m-%d}")
                for c in stalled
            ])
        )


def _lines(title: str, lines: list[str]) -> list[str]:
    return [f"{title} ({len(lines)}):", *lines, ""] if lines else []
