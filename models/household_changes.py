"""Workflow inputs that change who travels and the facts the workflow decides on about them,
after intake: a later finding, a correction, a member joining or leaving. No personal data:
the API writes names, dates of birth and passport numbers to the database and sends the
workflow only the facts (``Traveller``) that follow from them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from models.enums import Sex, Vulnerability
from models.people import Actor, Traveller

Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class RecordFindingInput(BaseModel):
    """A vulnerability found (or found no longer to apply) after intake."""

    actor: Actor
    member_id: str = Field(min_length=1, max_length=36)
    vulnerability: Vulnerability
    found: bool
    reason: str | None = Field(default=None, max_length=2000)


class UpdateTravellerInput(BaseModel):
    """The facts that follow from a corrected person (internal update, see
    ``workflows/household.py``): every fact given, so sending it again changes nothing."""

    actor: Actor
    member_id: str = Field(min_length=1, max_length=36)
    sex: Sex
    nationality: str = Field(min_length=2, max_length=2)
    is_minor: bool
    passport_valid_until: date | None = None
    fields: list[str] = Field(default_factory=list)  # which personal data were corrected
    reason: Reason


class AddTravellerInput(BaseModel):
    actor: Actor
    traveller: Traveller
    reason: Reason


class RemoveTravellerInput(BaseModel):
    actor: Actor
    member_id: str = Field(min_length=1, max_length=36)
    reason: Reason
