"""The SMTP notifications client (aiosmtplib): reminders and digests as plain-text e-mail."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
import structlog
from pydantic import SecretStr

from models.external import Mail

log = structlog.get_logger(__name__)


class SmtpNotifications:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: SecretStr | None = None,
        starttls: bool = True,
        timeout: float = 30,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username = username or None
        self._password = password.get_secret_value() if password else None
        self._starttls, self._timeout = starttls, timeout

    async def send(self, mail: Mail) -> str:
        if not mail.to:
            log.warning("mail not sent: no recipient has an e-mail address", subject=mail.subject)
            return ""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = ", ".join(mail.to)
        message["Subject"] = mail.subject
        message_id = make_msgid(domain=self._sender.rpartition("@")[2] or None)
        message["Message-ID"] = message_id
        message.set_content(mail.body)
        # Connection errors and 4xx/5xx replies raise: the activity is retried with backoff.
        await aiosmtplib.send(
            message,
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password if self._username else None,
            start_tls=self._starttls,
            timeout=self._timeout,
        )
        return message_id
