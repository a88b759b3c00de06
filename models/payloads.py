"""Workflow payloads, kept by idea in their own modules and gathered here, so
``from models.payloads import X`` reads the same everywhere. No personal data.

Decision inputs (updates) are in ``models/decisions.py``, external-system payloads in
``models/external.py``; all are Temporal payloads, never tables or API schemas.
"""

from __future__ import annotations

from models.case_state import CaseState, CaseWorkflowInput, PriorHistory, StageChange
from models.departure import (
    Booking,
    Clearance,
    ClearanceConfirmation,
    Consent,
    CounsellingSession,
    Eligibility,
    Grant,
    TravelDocuments,
    VulnerabilityStep,
)
from models.people import Actor, Traveller
from models.projection import (
    DeadlineInfo,
    ProjectCaseInput,
    ProjectCaseResult,
    RecordTimelineInput,
    TaskInfo,
    TimelineEntryInput,
)

__all__ = [
    "Actor",
    "Booking",
    "CaseState",
    "CaseWorkflowInput",
    "Clearance",
    "ClearanceConfirmation",
    "Consent",
    "CounsellingSession",
    "DeadlineInfo",
    "Eligibility",
    "Grant",
    "PriorHistory",
    "ProjectCaseInput",
    "ProjectCaseResult",
    "RecordTimelineInput",
    "StageChange",
    "TaskInfo",
    "TimelineEntryInput",
    "TravelDocuments",
    "Traveller",
    "VulnerabilityStep",
]
