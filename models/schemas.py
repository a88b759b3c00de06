"""API schemas: what clients send and receive. Never tables."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.enums import CaseStatus, LegalSituation, LocationType, Stage
from models.payloads import CaseState


class CaseBase(BaseModel):
    country_of_origin: str = Field(
        min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code, e.g. GE"
    )
    legal_situation: LegalSituation
    location_type: LocationType
    location_name: str | None = Field(default=None, max_length=200)

    @field_validator("country_of_origin")
    @classmethod
    def _upper_alpha(cls, v: str) -> str:
        if not v.isalpha():
            raise ValueError("must be a two-letter country code")
        return v.upper()


class CaseCreate(CaseBase):
    model_config = ConfigDict(extra="forbid")


class CasePublic(CaseBase):
    id: str
    reference: str
    created_at: datetime
    updated_at: datetime
    stage: Stage
    status: CaseStatus


class CaseDetail(CasePublic):
    live: CaseState | None = Field(
        default=None, description="The workflow's own state; null when Temporal is unreachable"
    )


class CasesPublic(BaseModel):
    data: list[CasePublic]
    count: int


class CounsellingSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    held_on: date
    place: str = Field(min_length=1, max_length=200)
    language: str = Field(min_length=2, max_length=50)
    interpreter: bool = False


class HealthPublic(BaseModel):
    status: str
    database: str
    temporal: str
