"""Tables for who may do what: users, and the append-only audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import Role
from models.tables import enum_type, utcnow


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    username: str = Field(unique=True, index=True, max_length=100)
    full_name: str = Field(max_length=200)
    # Where reminders and digests go; a user without one gets in-app notifications only.
    email: str | None = Field(default=None, max_length=254)
    role: Role = Field(sa_type=enum_type(Role))
    # A partner user acts only for this partner organisation's cases.
    partner_org: str | None = Field(default=None, max_length=100, index=True)
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    # Signing out ends every session of the user: tokens issued before this are refused.
    signed_out_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow)
    # The interface's and the e-mails' language (core/i18n.py LANGUAGES): en, lv, lt, et, ru;
    # none chosen: the pages follow the browser's Accept-Language, the e-mails are in English.
    language: str | None = Field(default=None, max_length=8)


class AuditEntry(SQLModel, table=True):
    """Who did or read what, when, with which outcome. Rows are never updated or deleted
    (database triggers refuse it); no personal data beyond user and case ids."""

    __tablename__ = "audit_entries"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: str | None = Field(default=None, max_length=36, index=True)
    actor_role: str | None = Field(default=None, max_length=40)
    case_id: str | None = Field(default=None, max_length=36, index=True)
    action: str = Field(max_length=120, index=True)
    request_id: str | None = Field(default=None, max_length=64)
    outcome: str = Field(max_length=20, index=True)
    status_code: int | None = None
