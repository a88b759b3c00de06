"""Payloads of the caseworkers' daily digest (workflow and activity; no personal data)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.external import Mail


class DigestInput(BaseModel):
    # Cases unchanged this long are listed as stalled; None leaves that section out.
    stalled_after_days: int | None = Field(default=14, ge=1)


class DigestMails(BaseModel):
    mails: list[Mail]


class DigestResult(BaseModel):
    sent: int
