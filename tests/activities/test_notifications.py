"""Reminders reach every active user of the role: one in-app row each, and an e-mail."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.testing import ActivityEnvironment

from activities.notifications import NotificationActivities, SimulatedNotifications
from models.enums import Role
from models.external import Mail, Reminder
from models.timeline import Notification
from models.users import User
from tests.smtp import SmtpServer, smtp_server  # noqa: F401

ENV = ActivityEnvironment()


def reminder(key: str = "c1:7") -> Reminder:
    return Reminder(
        case_id="c1",
        reference="LV-2026-000001",
        recipient_role=Role.CASEWORKER,
        subject="LV-2026-000001: chase the embassy",
        body="request ETD-1 has had no answer since 2026-01-05",
        key=key,
    )


def set_emails(engine: Engine, emails: dict[str, str], inactive: Collection[str] = ()) -> None:
    with Session(engine) as session:
        for user in session.exec(select(User)).all():
            user.email = emails.get(user.username)
            user.is_active = user.username not in inactive
            session.add(user)
        session.commit()


def rows(engine: Engine) -> list[Notification]:
    with Session(engine) as session:
        return list(session.exec(select(Notification).order_by(col(Notification.user_id))).all())


async def test_a_caseworker_reminder_goes_to_every_active_caseworker_once(
    engine: Engine, users: dict[str, User]
) -> None:
    set_emails(
        engine,
        {"caseworker": "anna@iom.test", "caseworker2": "janis@iom.test", "supervisor": "m@iom.test"},
    )
    sim = SimulatedNotifications()
    activities = NotificationActivities(sim, engine)
    await ENV.run(activities.send_reminder, reminder())
    # A retried activity mails again (SMTP cannot be undone) but adds no second in-app row.
    await ENV.run(activities.send_reminder, reminder())

    assert [m.to for m in sim.outbox] == [["anna@iom.test", "janis@iom.test"]] * 2
    assert sim.outbox[0].subject == "LV-2026-000001: chase the embassy"
    assert [(n.user_id, n.case_id, n.read_at) for n in rows(engine)] == [
        ("caseworker", "c1", None),
        ("caseworker2", "c1", None),
    ]


async def test_disabled_users_and_users_without_an_address_get_no_mail(
    engine: Engine, users: dict[str, User], smtp_server: SmtpServer  # noqa: F811
) -> None:
    set_emails(
        engine, {"caseworker": "anna@iom.test", "caseworker2": "janis@iom.test"},
        inactive={"caseworker2"},
    )
    activities = NotificationActivities(smtp_server.client(), engine)
    result = await ENV.run(activities.send_reminder, reminder())

    [mail] = smtp_server.inbox.received
    assert mail.rcpt_tos == ["anna@iom.test"]
    assert mail.subject == "LV-2026-000001: chase the embassy"
    assert mail.body == "request ETD-1 has had no answer since 2026-01-05"
    assert mail.message["From"] == "homeward@iom.test"
    assert mail.message["Message-ID"] == result.message_id
    assert [n.user_id for n in rows(engine)] == ["caseworker"]

    # Nobody with an address: the in-app row is all there is, and nothing is sent.
    set_emails(engine, {}, inactive={"caseworker2"})
    assert (await ENV.run(activities.send_reminder, reminder("c1:8"))).message_id == ""
    assert len(smtp_server.inbox.received) == 1
    assert [n.reminder_key for n in rows(engine)] == ["c1:7", "c1:8"]


async def test_a_prepared_mail_is_sent_as_it_is(
    engine: Engine, smtp_server: SmtpServer  # noqa: F811
) -> None:
    activities = NotificationActivities(smtp_server.client(), engine)
    mail = Mail(to=["anna@iom.test"], subject="Your cases today", body="LV-2026-000001: x")
    await ENV.run(activities.send_mail, mail)
    [got] = smtp_server.inbox.received
    assert (got.rcpt_tos, got.subject, got.body) == (mail.to, mail.subject, mail.body)


def test_a_reminder_reads_in_each_recipients_language() -> None:
    """The workflow's English subject and body (recorded in its history) are translated per
    recipient where they are the interface's messages; references and names stay."""
    from activities.notifications import reminder_text
    from models.external import Reminder

    reminder = Reminder(
        case_id="c1", reference="LV-2026-000007", recipient_role=Role.CASEWORKER,
        subject="LV-2026-000007: arrival not confirmed",
        body="completion of the intake; the travel booking",
    )
    assert reminder_text(reminder, None) == (reminder.subject, reminder.body)
    assert reminder_text(reminder, "lv") == (
        "LV-2026-000007: ierašanās nav apstiprināta",
        "uzņemšanas pabeigšanu; ceļojuma rezervāciju",
    )
    assert reminder_text(reminder, "ru")[0] == "LV-2026-000007: прибытие не подтверждено"
