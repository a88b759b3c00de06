"""Tables and payloads of data protection: which cases were anonymised, and the job's input."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from models.tables import utcnow

ANONYMISED = "[anonymised]"


class Anonymisation(SQLModel, table=True):
    """A case whose personal data was removed by the retention job (the record stays for reports)."""

    __tablename__ = "anonymisations"

    case_id: str = Field(primary_key=True, foreign_key="cases.id", max_length=36)
    anonymised_at: datetime = Field(default_factory=utcnow)
    members: int = 0


class RetentionInput(BaseModel):
    """Anonymise cases closed more than ``retention_days`` before ``now``."""

    retention_days: int = PydanticField(ge=1)
    batch_size: int = PydanticField(default=500, ge=1)


class RetentionResult(BaseModel):
    case_ids: list[str]
