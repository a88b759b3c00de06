"""Notifications to staff (reminders, escalations, digests): e-mail and in-app rows.

The activity resolves the reminder's role to the active users holding it, records one in-app
notification per user (idempotent on the reminder key), then mails those with an address
through the client: the simulator's outbox by default, SMTP when configured (see smtp.py).
"""

from __future__ import annotations

from typing import Protocol

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio import activity

from activities.simulation import Clock, Simulator, SimulatorConfig
from activities.timeline import insert_ignoring_duplicates
from core import i18n
from models.enums import Role
from models.external import Mail, Reminder, ReminderResult
from models.timeline import Notification
from models.users import User

log = structlog.get_logger(__name__)


class NotificationsClient(Protocol):
    async def send(self, mail: Mail) -> str:
        """Deliver the mail; returns its message id."""
        ...


class SimulatedNotifications(Simulator):
    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.outbox: list[Mail] = []

    async def send(self, mail: Mail) -> str:
        await self.call("notifications")
        self.outbox.append(mail)
        return self.reference("MSG")


def active_users(
    engine: Engine, role: Role, partner_org: str | None = None, user_id: str | None = None
) -> list[User]:
    """Active users with ``role`` (of ``partner_org`` when given); only ``user_id`` when given
    and still active with that role."""
    with Session(engine, expire_on_commit=False) as session:
        query = select(User).where(User.role == role).where(col(User.is_active).is_(True))
        if partner_org is not None:
            query = query.where(User.partner_org == partner_org)
        if user_id is not None:
            one = list(session.exec(query.where(User.id == user_id)).all())
            if one:
                return one
            # The assignee left or changed role: everyone with the role rather than no one.
        return list(session.exec(query.order_by(col(User.username))).all())


def reminder_text(data: Reminder, language: str | None) -> tuple[str, str]:
    """A reminder's subject and body in a recipient's language: the subject's words (the
    workflow's, marked for extraction) and the body where it is a message of the interface
    (what the case waits for); names and references stay as they are."""
    if language is None or language == i18n.DEFAULT:
        return data.subject, data.body
    with i18n.language(language):
        reference, sep, words = data.subject.partition(": ")
        subject = f"{reference}{sep}{i18n.gettext(words)}" if sep else i18n.gettext(words)
        body = "; ".join(i18n.gettext(part) for part in data.body.split("; "))
        return subject, body


class NotificationActivities:
    def __init__(self, client: NotificationsClient, engine: Engine) -> None:
        self._client = client
        self._engine = engine

    @activity.defn(name="send_reminder")
    async def send_reminder(self, data: Reminder) -> ReminderResult:
        """Notify every active user with the reminder's role, in the app and by e-mail.

        A reminder naming a recipient (the case's assignee) goes to that user only; without
        one (or when that user is no longer active) to every active user with the role.
        """
        users = active_users(
            self._engine, data.recipient_role, data.partner_org, data.recipient_id
        )
        key = data.key or f"{data.case_id}:{data.subject}"
        # Each recipient reads it in their language (their profile's; English if none).
        by_language: dict[str | None, list[User]] = {}
        for u in users:
            by_language.setdefault(u.language and i18n.supported(u.language), []).append(u)
        texts = {language: reminder_text(data, language) for language in by_language}
        rows = [
            {"user_id": u.id, "case_id": data.case_id, "reminder_key": key,
             "subject": texts[language][0], "body": texts[language][1]}
            for language, group in by_language.items() for u in group
        ]
        # In-app first: idempotent, so a retry after a failed mail adds no second row.
        insert_ignoring_duplicates(
            self._engine, Notification, rows, ["reminder_key", "user_id"]
        )
        message_ids, mailed = [], 0
        for language, group in (by_language or {None: []}).items():
            subject, body = texts.get(language, (data.subject, data.body))
            mail = Mail(
                to=[u.email for u in group if u.email],
                subject=subject,
                body=body,
                case_id=data.case_id,
                recipient_role=data.recipient_role,
            )
            message_ids.append(await self._client.send(mail))
            mailed += len(mail.to)
        log.info("reminder sent", role=data.recipient_role, users=len(users), mailed=mailed)
        return ReminderResult(message_id=message_ids[0])

    @activity.defn(name="send_mail")
    async def send_mail(self, mail: Mail) -> str:
        """Send one prepared mail (the daily digest)."""
        return await self._client.send(mail)
