"""The SMTP client (aiosmtplib): reminders and digests as plain-text e-mail, and the prepared
messages (letters with attachments, notices) the e-mail modes of the embassy and the
authorities send."""

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
        message["To"] = ", ".join(mail.to)
        message["Subject"] = mail.subject
        message.set_content(mail.body)
        return await self.send_message(message)

    def new_message_id(self) -> str:
        return make_msgid(domain=self._sender.rpartition("@")[2] or None)

    async def send_message(self, message: EmailMessage) -> str:
        """Send a prepared message from the configured sender; returns its Message-ID (the
        message's own when it has one, so a re-sent letter keeps its id)."""
        if "From" not in message:
            message["From"] = self._sender
        if "Message-ID" not in message:
            message["Message-ID"] = self.new_message_id()
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
        return str(message["Message-ID"])
