"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, for tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from activities.smtp import SmtpNotifications


@dataclass
class Received:
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return str(self.message.get_content()).strip()  # type: ignore[attr-defined]


@dataclass
class Inbox:
    """The aiosmtpd handler: every accepted message, in arrival order."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=default)
        self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int

    def client(self) -> SmtpNotifications:
        return SmtpNotifications(
            host="127.0.0.1", port=self.port, sender="homeward@iom.test", starttls=False
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(inbox, port)
    controller.stop()
