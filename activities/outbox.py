"""Mail to outside parties, sent once per business key.

The key is claimed in ``sent_mail`` before the message goes out (with the Message-ID it will
carry) and marked sent once the SMTP server accepted it. A retried activity finds the key sent
and sends nothing. Two cases can still send twice, both with the same Message-ID, by which the
receiving mail system can recognise the duplicate: a worker dying between the server's
acceptance and the mark, and an attempt the Temporal server gave up on (its 45 s timeout)
still talking to a slow SMTP server while its retry runs. SMTP has no idempotency of its own;
sending once more is preferred to a letter never sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import EmailMessage

import structlog
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from activities.smtp import SmtpNotifications
from models.embassies import SentMail
from models.tables import utcnow

log = structlog.get_logger(__name__)


def claim(engine: Engine, row: SentMail) -> SentMail:
    """The row recorded under ``row.key``: this one when new, the earlier one otherwise."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    values = row.model_dump()
    with engine.begin() as conn:
        conn.execute(
            dialect.insert(SentMail.__table__).values(values)  # type: ignore[attr-defined]
            .on_conflict_do_nothing(index_elements=["key"])
        )
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(SentMail, row.key)
        assert found is not None
        return found


def sent(engine: Engine, key: str) -> SentMail | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.get(SentMail, key)


async def send_once(
    engine: Engine,
    smtp: SmtpNotifications,
    row: SentMail,
    build: Callable[[SentMail], EmailMessage | Awaitable[EmailMessage]],
) -> SentMail:
    """Send the message ``build`` makes for the claimed row, unless the key was sent before."""
    claimed = claim(engine, row)
    if claimed.sent_at is not None:
        log.info("mail already sent under its key", kind=claimed.kind, reference=claimed.reference)
        return claimed
    message = build(claimed)
    if not isinstance(message, EmailMessage):
        message = await message
    message["Message-ID"] = claimed.message_id
    message["To"] = claimed.recipients
    await smtp.send_message(message)
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(SentMail, claimed.key)
        assert stored is not None
        stored.sent_at = utcnow()
        session.add(stored)
        session.commit()
        log.info("mail sent", kind=stored.kind, reference=stored.reference)
        return stored
