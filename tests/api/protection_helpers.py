"""Shared by the protection tests: a trafficking victim's case, an ordinary one, SMTP."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.settings import NotificationsMode, Settings
from models.users import User
from tests.factories import CASE_JSON
from tests.smtp import SmtpServer


def person_case(given: str, family: str, *vulnerabilities: str) -> dict[str, Any]:
    body = copy.deepcopy(CASE_JSON)
    body["principal"] |= {"given_name": given, "family_name": family,
                          "vulnerabilities": list(vulnerabilities)}
    return body


async def open_case(api: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    r = await api.post("/cases", json=body, headers=headers or None)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def until(check: Any, timeout: float = 20) -> None:
    """Wait for the workflow's projection (tasks) to land."""
    for _ in range(int(timeout / 0.2)):
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError("timed out")


def with_smtp(settings: Settings, smtp: SmtpServer) -> Settings:
    return settings.model_copy(update={
        "notifications": NotificationsMode.SMTP, "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port, "smtp_starttls": False, "smtp_from": "homeward@iom.test",
    })


def give_emails(engine: Engine, users: dict[str, User], **emails: str) -> None:
    with Session(engine) as session:
        for username, email in emails.items():
            user = session.get(User, users[username].id)
            assert user is not None
            user.email = email
            session.add(user)
        session.commit()


__all__ = ["give_emails", "open_case", "person_case", "pytest", "until", "with_smtp"]
