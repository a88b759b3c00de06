"""Who acts on a case and who travels: the only facts about people a workflow carries.

Temporal payloads; names, dates of birth and document numbers stay in the database.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from models.enums import Relationship, Role, Sex, Vulnerability


class Actor(BaseModel):
    """Who takes a decision; validators enforce roles and four eyes on it."""

    id: str = Field(min_length=1, max_length=100)
    role: Role
    # A partner acts for one partner organisation only (validators check it).
    organisation: str | None = Field(default=None, max_length=100)


class Traveller(BaseModel):
    """The non-identifying facts about one household member the workflow decides on."""

    member_id: str
    relationship: Relationship
    sex: Sex
    is_minor: bool
    nationality: str
    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    # The expiry date only; the passport number stays in the database.
    passport_valid_until: date | None = None
