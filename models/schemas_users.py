"""API schemas for users, tokens and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.security import MIN_PASSWORD_LENGTH
from models.enums import Role


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires")


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


# The interface's languages (core/i18n.py LANGUAGES).
Language = Literal["en", "lv", "lt", "et", "ru"]


class UserBase(BaseModel):
    username: str = Field(min_length=3, max_length=100, pattern=r"^[a-zA-Z0-9._@-]+$")
    full_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    role: Role
    partner_org: str | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _partner_has_org(self) -> UserBase:
        if self.role == Role.PARTNER and not self.partner_org:
            raise ValueError("partner_org is required for a partner user")
        if self.role != Role.PARTNER and self.partner_org:
            raise ValueError("partner_org is only for partner users")
        return self


class UserCreate(UserBase):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=200)


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=200)
    unlock: bool = Field(default=False, description="Clear a lockout after failed sign-ins")
    language: Language | None = None


class LanguageChoice(BaseModel):
    """The language of the web interface and of the e-mails a user receives."""

    model_config = ConfigDict(extra="forbid")

    language: Language


class UserPublic(UserBase):
    id: str
    language: str | None = None
    is_active: bool
    locked_until: datetime | None
    created_at: datetime


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor_id: str | None
    actor_role: str | None
    case_id: str | None
    action: str
    request_id: str | None
    outcome: str
    status_code: int | None


class AuditEntriesPublic(BaseModel):
    data: list[AuditEntryPublic]
    count: int
