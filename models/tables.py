"""SQLModel tables. A table object never travels through Temporal."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import CaseStatus, LegalSituation, LocationType, Stage


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_type(enum: type) -> sa.Enum:
    """Enums stored as their values in a plain string column, so new members need no ALTER TYPE."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Case(SQLModel, table=True):
    """The case record and the projection of its workflow's state, for fast lists."""

    __tablename__ = "cases"

    id: str = Field(primary_key=True, max_length=36)
    reference: str = Field(unique=True, index=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    stage: Stage = Field(default=Stage.INTAKE, index=True, sa_type=enum_type(Stage))
    status: CaseStatus = Field(default=CaseStatus.ACTIVE, index=True, sa_type=enum_type(CaseStatus))
    country_of_origin: str = Field(max_length=2, index=True)
    legal_situation: LegalSituation = Field(sa_type=enum_type(LegalSituation))
    location_type: LocationType = Field(sa_type=enum_type(LocationType))
    location_name: str | None = Field(default=None, max_length=200)
    idempotency_key: str | None = Field(default=None, unique=True, max_length=200)
    # Version of the workflow state last projected; older writes never overwrite newer ones.
    projected_version: int = Field(default=0)


class ReferenceCounter(SQLModel, table=True):
    """Per office and year sequence behind references like LV-2026-000042."""

    __tablename__ = "reference_counter"

    office: str = Field(primary_key=True, max_length=3)
    year: int = Field(primary_key=True)
    last: int = Field(default=0)
