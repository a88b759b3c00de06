"""API schemas for a case's timeline and a user's in-app notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from models.enums import TimelineKind


class TimelineEntryPublic(BaseModel):
    seq: int
    at: datetime
    kind: TimelineKind
    actor_id: str | None
    actor_name: str | None = None  # the user's full name when the user is known
    actor_role: str | None
    summary: str
    details: dict[str, Any]


class TimelinePublic(BaseModel):
    data: list[TimelineEntryPublic]
    count: int


class NotificationPublic(BaseModel):
    id: int
    case_id: str | None
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None


class NotificationsPublic(BaseModel):
    data: list[NotificationPublic]
    count: int
    unread: int
