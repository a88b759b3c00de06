"""API schemas of outreach without a case and of targets with breakdowns. Never tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.enums import LocationType, Sex
from models.report_data import OutreachKind

AgeBand = Literal["0-17", "18-34", "35-59", "60+"]


class ReachedIn(BaseModel):
    """How many persons of one nationality, sex and age band: never who they are."""

    model_config = ConfigDict(extra="forbid")

    nationality: str = Field(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$")
    sex: Sex
    age_band: AgeBand
    persons: int = Field(ge=1, le=100_000)


class OutreachIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OutreachKind
    place_type: LocationType = Field(description="detention_centre, reception_centre, community")
    place_name: str = Field(min_length=1, max_length=200, description="The centre or place")
    held_on: date
    reached: list[ReachedIn] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _one_row_per_group(self) -> OutreachIn:
        keys = [(r.nationality, r.sex, r.age_band) for r in self.reached]
        if len(keys) != len(set(keys)):
            raise ValueError("reached: one row per nationality, sex and age band")
        return self


class OutreachPublic(BaseModel):
    id: int
    project_id: str
    kind: OutreachKind
    place_type: LocationType
    place_name: str
    held_on: date
    persons_reached: int
    reached: list[ReachedIn]
    case_id: str | None = Field(description="The case opened later, when the viewer may see it")
    recorded_by: str
    created_at: datetime


class OutreachCaseLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: str = Field(min_length=1, max_length=36)


class TargetIn(BaseModel):
    """A target on a reported figure: whole (no breakdown) or one part of a breakdown."""

    model_config = ConfigDict(extra="forbid")

    figure: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")
    breakdown: str = Field(default="", max_length=40, pattern=r"^[a-z_]*$")
    part: str = Field(default="", max_length=60)
    target: int = Field(ge=0)

    @model_validator(mode="after")
    def _part_with_breakdown(self) -> TargetIn:
        if bool(self.breakdown) != bool(self.part):
            raise ValueError("a breakdown needs a part, and a part a breakdown")
        return self


class TargetsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[TargetIn] = Field(max_length=500)

    @model_validator(mode="after")
    def _unique(self) -> TargetsIn:
        keys = [(t.figure, t.breakdown, t.part) for t in self.targets]
        if len(keys) != len(set(keys)):
            raise ValueError("targets: each figure, breakdown and part once")
        return self
