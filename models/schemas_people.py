"""API schemas of finding a person across cases."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.enums import CaseStatus, Stage
from models.schemas import CasePublic


class EarlierCase(BaseModel):
    """An earlier case of someone in this household (same name and date of birth, or same
    passport number): a returnee who comes back may not be eligible again."""

    case_id: str
    reference: str
    stage: Stage
    status: CaseStatus


class CaseOpened(CasePublic):
    possible_earlier_cases: list[EarlierCase] = Field(
        default_factory=list, description="Earlier cases of the same people, newest first"
    )
