"""API bodies of the embassy directory."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from models.embassies import LetterLanguage
from models.schemas_aftercare import EmailLike


class EmbassyIn(BaseModel):
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1, max_length=200)
    email: EmailLike
    letter_language: LetterLanguage = LetterLanguage.EN
    answer_days: int = Field(default=30, ge=1, le=365)


class EmbassyPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: EmailLike | None = None
    letter_language: LetterLanguage | None = None
    answer_days: int | None = Field(default=None, ge=1, le=365)


class EmbassyPublic(BaseModel):
    country: str
    name: str
    email: str
    letter_language: LetterLanguage
    answer_days: int
    updated_at: datetime
