"""The embassy directory admins keep, and the letters and notices sent by e-mail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.tables import utcnow


class LetterLanguage(StrEnum):
    """Languages the request letter and the notices are written in (activities/letters.py)."""

    EN = "en"
    LV = "lv"
    RU = "ru"


class Embassy(SQLModel, table=True):
    """Where requests for a country's travel documents go: one embassy or consulate a country."""

    __tablename__ = "embassies"

    country: str = Field(primary_key=True, max_length=2, description="ISO 3166-1 alpha-2")
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    # The letter is in the office's language and English, and in this one when it differs.
    letter_language: str = Field(default=LetterLanguage.EN, max_length=2)
    answer_days: int = Field(default=30, description="How long the embassy usually takes")
    updated_at: datetime = Field(default_factory=utcnow)


class SentMail(SQLModel, table=True):
    """One letter or notice mailed to an outside party, under its business key: a retried
    activity finds it sent and sends nothing twice."""

    __tablename__ = "sent_mail"

    key: str = Field(primary_key=True, max_length=200)
    case_id: str = Field(index=True, max_length=36)
    kind: str = Field(max_length=40)  # embassy_request, embassy_withdrawal, authority_notice
    reference: str = Field(max_length=100, index=True)
    recipients: str = Field(max_length=1000)
    message_id: str = Field(max_length=250)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None  # None: claimed, not (yet) accepted by the SMTP server
