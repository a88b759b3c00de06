"""Workflow and activity payloads (``*Input``, ``*Result``, state). No personal data."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from models.enums import CaseStatus, LegalSituation, LocationType, Stage


class CaseWorkflowInput(BaseModel):
    case_id: str
    reference: str
    country_of_origin: str
    legal_situation: LegalSituation
    location_type: LocationType
    # Carried across continue-as-new; None on the first run.
    state: CaseState | None = None


class CounsellingSession(BaseModel):
    held_on: date
    place: str
    language: str
    interpreter: bool = False


class StageChange(BaseModel):
    stage: Stage
    at: datetime


class CaseState(BaseModel):
    """Everything the workflow knows and decides on; returned by the ``state`` query."""

    case_id: str
    reference: str
    stage: Stage = Stage.INTAKE
    status: CaseStatus = CaseStatus.ACTIVE
    country_of_origin: str
    legal_situation: LegalSituation
    location_type: LocationType
    counselling_sessions: list[CounsellingSession] = Field(default_factory=list)
    stage_history: list[StageChange] = Field(default_factory=list)
    version: int = 0
    updated_at: datetime | None = None


class RecordCounsellingInput(BaseModel):
    session: CounsellingSession


class CompleteIntakeInput(BaseModel):
    """No fields yet; a model so fields can be added without breaking running cases."""


class ProjectCaseInput(BaseModel):
    case_id: str
    stage: Stage
    status: CaseStatus
    version: int
    updated_at: datetime


class ProjectCaseResult(BaseModel):
    applied: bool


CaseWorkflowInput.model_rebuild()
