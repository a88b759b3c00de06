"""API schemas of people: finding a person across cases, and a later finding about one."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.enums import CaseStatus, Stage, Vulnerability
from models.schemas import CasePublic, DecisionIn


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


class FindingIn(DecisionIn):
    """A vulnerability found after intake (found: true), or found no longer to apply
    (found: false, with the reason)."""

    member_id: str = Field(min_length=1, max_length=36)
    vulnerability: Vulnerability
    found: bool
    reason: str | None = Field(default=None, max_length=2000)
