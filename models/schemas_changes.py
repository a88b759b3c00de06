"""API schemas of a person's record after intake: a correction with its reason, a member
joining or leaving, and the history of those changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.enums import Sex
from models.schemas import DependantIn, country_code

Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class PersonCorrection(BaseModel):
    """The fields to correct (only those given) and why. ``passport_number: null`` removes a
    passport recorded by mistake."""

    model_config = ConfigDict(extra="forbid")

    given_name: str | None = Field(default=None, min_length=1, max_length=200)
    family_name: str | None = Field(default=None, min_length=1, max_length=200)
    date_of_birth: date | None = None
    sex: Sex | None = None
    nationality: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code")
    passport_number: str | None = Field(default=None, min_length=3, max_length=50)
    passport_valid_until: date | None = None
    reason: Reason

    @field_validator("nationality")
    @classmethod
    def _nationality(cls, v: str | None) -> str | None:
        return None if v is None else country_code(v)

    @field_validator("date_of_birth")
    @classmethod
    def _born_in_the_past(cls, v: date | None) -> date | None:
        if v is not None and v > date.today():
            raise ValueError("must not be in the future")
        return v

    @model_validator(mode="after")
    def _required_stay(self) -> PersonCorrection:
        # Names, date of birth, sex and nationality can be corrected, not removed.
        for name in ("given_name", "family_name", "date_of_birth", "sex", "nationality"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be removed, only corrected")
        return self

    def corrections(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.model_fields_set if k != "reason"}


class MemberJoining(DependantIn):
    """A person joining the household before departure, and why."""

    reason: Reason


class MemberLeaving(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class PersonChangePublic(BaseModel):
    """One change to a person's record: personal data (old and new values), staff only."""

    id: str
    member_id: str
    field: str
    old_value: str | None
    new_value: str | None
    reason: str
    changed_by: str = Field(description="The user's id")
    changed_by_name: str | None = None
    changed_at: datetime


class PersonChangesPublic(BaseModel):
    data: list[PersonChangePublic]
    count: int
