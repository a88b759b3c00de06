"""Partners chosen before departure: the API bodies, the workflow inputs and the views.

The workflow carries the partner's id, its answer and the reason only; the needs
assessment (what the returnee wants to do, skills, health, housing) is personal data and
stays in the database (``NeedsAssessment``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from models.payloads import Actor

Text = Annotated[str, Field(max_length=2000)]


class ChoosePartnerIn(BaseModel):
    partner_id: str = Field(min_length=2, max_length=100)
    # The part of the destination country the returnee goes to, where partners cover parts.
    region: str | None = Field(default=None, max_length=100)


class ChoosePartnerInput(ChoosePartnerIn):
    actor: Actor


class PartnerAnswerIn(BaseModel):
    accept: bool
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _declined_with_reason(self) -> PartnerAnswerIn:
        if not self.accept and not (self.reason or "").strip():
            raise ValueError("reason: a partner declining a case says why")
        return self


class PartnerAnswerInput(PartnerAnswerIn):
    actor: Actor


class NeedsAssessmentIn(BaseModel):
    wants_to_do: Text = ""
    skills: Text = ""
    health: Text = ""
    housing: Text = ""


class NeedsAssessmentOut(NeedsAssessmentIn):
    case_id: str
    recorded_by: str
    recorded_at: datetime


class PartnerOption(BaseModel):
    """An active partner serving a case's destination, as the caseworker chooses among them."""

    id: str
    organisation: str
    country: str
    regions: list[str]

