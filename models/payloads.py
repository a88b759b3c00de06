"""Workflow payloads: the workflow's input, its state, the projection. No personal data.

Decision inputs (updates) are in ``models/decisions.py``, external-system payloads in
``models/external.py``; all three are Temporal payloads, never tables or API schemas.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from models.enums import (
    BookingStatus,
    CaseStatus,
    ClearanceKind,
    ClosureReason,
    DeadlineKind,
    DocumentStatus,
    GrantStatus,
    LegalSituation,
    LocationType,
    Relationship,
    Role,
    Sex,
    Stage,
    StepKind,
    TaskKind,
    TimelineKind,
    Vulnerability,
)
from models.policy import CasePolicy, GrantLine
from models.reintegration import (
    Arrival,
    ClosureProposal,
    Handover,
    Monitoring,
    ReintegrationPlan,
)


class Actor(BaseModel):
    """Who takes a decision; validators enforce roles and four eyes on it."""

    id: str = Field(min_length=1, max_length=100)
    role: Role
    # A partner acts for one partner organisation only (validators check it).
    organisation: str | None = Field(default=None, max_length=100)


class Traveller(BaseModel):
    """The non-identifying facts about one household member the workflow decides on."""

    member_id: str
    relationship: Relationship
    sex: Sex
    is_minor: bool
    nationality: str
    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    # The expiry date only; the passport number stays in the database.
    passport_valid_until: date | None = None


class TimelineEntryInput(BaseModel):
    """One timeline event as the workflow produced it; ``entry_key`` = case id + sequence."""

    entry_key: str
    seq: int
    at: datetime
    kind: TimelineKind
    actor_id: str | None = None
    actor_role: Role | None = None
    summary: str
    details: dict[str, str] = Field(default_factory=dict)


class RecordTimelineInput(BaseModel):
    case_id: str
    entries: list[TimelineEntryInput]


class CaseWorkflowInput(BaseModel):
    case_id: str
    reference: str
    country_of_origin: str
    legal_situation: LegalSituation
    location_type: LocationType
    household: list[Traveller] = Field(default_factory=list)
    return_decision_date: date | None = None
    voluntary_departure_deadline: date | None = None
    preferred_language: str | None = None
    destination_city: str | None = None
    policy: CasePolicy = Field(default_factory=CasePolicy)
    # The caseworker the case is assigned to (a user id), and the project it runs under.
    assignee_id: str | None = None
    project_id: str | None = None
    # Carried across continue-as-new; None on the first run.
    state: CaseState | None = None


class CounsellingSession(BaseModel):
    held_on: date
    place: str
    language: str
    interpreter: bool = False
    notes: str | None = None


class StageChange(BaseModel):
    stage: Stage
    at: datetime


class Eligibility(BaseModel):
    assessed_by: str
    eligible: bool
    notes: str
    assessed_at: datetime
    decided_by: str | None = None
    approved: bool | None = None
    reason: str | None = None


class Consent(BaseModel):
    declaration_signed_on: date
    share_with_authorities: bool
    share_with_partner: bool
    witnessed_by: str
    recorded_by: str


class VulnerabilityStep(BaseModel):
    member_id: str
    kind: StepKind
    done: bool = False
    completed_on: date | None = None
    completed_by: str | None = None
    valid_until: date | None = None  # fit-to-travel: departure must happen before this
    escort_required: bool | None = None  # escort decision
    notes: str | None = None


class TravelDocuments(BaseModel):
    status: DocumentStatus = DocumentStatus.NOT_ASSESSED
    planned_departure: date | None = None
    member_ids: list[str] = Field(default_factory=list)  # travellers without a valid passport
    request_ref: str | None = None
    attempts: int = 0
    requested_at: datetime | None = None
    deadline_at: datetime | None = None
    last_chased_at: datetime | None = None
    reminders_sent: int = 0
    escalations: int = 0
    refusal_reason: str | None = None
    valid_until: date | None = None


class ClearanceConfirmation(BaseModel):
    kind: ClearanceKind
    confirmed_on: date
    reference: str
    recorded_by: str


class Clearance(BaseModel):
    border_guard_ref: str | None = None
    migration_office_ref: str | None = None
    confirmations: list[ClearanceConfirmation] = Field(default_factory=list)


class Booking(BaseModel):
    booking_ref: str
    departure_date: date
    flight: str
    escort: bool
    transit_assistance: bool
    requested_on: date
    status: BookingStatus = BookingStatus.BOOKED


class Grant(BaseModel):
    lines: list[GrantLine]
    amount: Decimal
    currency: str
    status: GrantStatus = GrantStatus.PROPOSED
    proposed_by: str
    decided_by: str | None = None
    reason: str | None = None
    payment_id: str | None = None
    receipt_ref: str | None = None


class CaseState(BaseModel):
    """Everything the workflow knows and decides on; returned by the ``state`` query."""

    case_id: str
    reference: str
    stage: Stage = Stage.INTAKE
    status: CaseStatus = CaseStatus.ACTIVE
    country_of_origin: str
    legal_situation: LegalSituation
    location_type: LocationType
    household: list[Traveller] = Field(default_factory=list)
    return_decision_date: date | None = None
    voluntary_departure_deadline: date | None = None
    preferred_language: str | None = None
    destination_city: str | None = None
    policy: CasePolicy = Field(default_factory=CasePolicy)
    assignee_id: str | None = None
    project_id: str | None = None
    counselling_sessions: list[CounsellingSession] = Field(default_factory=list)
    eligibility: Eligibility | None = None
    consent: Consent | None = None
    steps: list[VulnerabilityStep] = Field(default_factory=list)
    documents: TravelDocuments = Field(default_factory=TravelDocuments)
    clearance: Clearance = Field(default_factory=Clearance)
    bookings: list[Booking] = Field(default_factory=list)
    grant: Grant | None = None
    departed_on: date | None = None
    departure_confirmed_by: str | None = None
    # After departure (models/reintegration.py).
    handover_due: bool = False  # the run loop hands the case over to the partner next
    handover: Handover | None = None
    arrival: Arrival = Field(default_factory=Arrival)
    plan: ReintegrationPlan | None = None
    monitoring: Monitoring = Field(default_factory=Monitoring)
    closure_proposal: ClosureProposal | None = None
    closure_reason: ClosureReason | None = None
    closure_note: str | None = None
    closed_at: datetime | None = None
    # How many runs this case's workflow has had (it continues as new every ~2,000 events),
    # and whether the last run ended with changes not yet projected.
    runs: int = 1
    unprojected: bool = False
    awaiting: str | None = Field(
        default=None, description="The decision the case waits for, if any"
    )
    warnings: list[str] = Field(default_factory=list)
    stage_history: list[StageChange] = Field(default_factory=list)
    # When each open task was first seen open (see workflows/tasks.py), for its age and SLA.
    task_since: dict[TaskKind, datetime] = Field(default_factory=dict)
    # Timeline: the last sequence number used, and entries not yet written (see case.project).
    timeline_seq: int = 0
    pending_timeline: list[TimelineEntryInput] = Field(default_factory=list)
    version: int = 0
    updated_at: datetime | None = None

    @property
    def active_booking(self) -> Booking | None:
        live = [
            b for b in self.bookings if b.status in (BookingStatus.BOOKED, BookingStatus.NO_SHOW)
        ]
        return live[-1] if live else None


class TaskInfo(BaseModel):
    """A decision the case waits for: who may take it, since when, due when."""

    kind: TaskKind
    stage: Stage
    role: Role
    since: datetime
    due_at: datetime | None = None
    summary: str


class DeadlineInfo(BaseModel):
    """A business deadline: missed once ``due_at`` passes, at risk from ``at_risk_from``."""

    kind: DeadlineKind
    due_at: datetime
    at_risk_from: datetime | None = None
    detail: str


class ProjectCaseInput(BaseModel):
    case_id: str
    stage: Stage
    status: CaseStatus
    version: int
    updated_at: datetime
    closure_reason: ClosureReason | None = None
    departure_date: date | None = None
    grant_receipt_ref: str | None = None
    awaiting: str | None = None
    awaiting_caseworker: bool = False
    partner_id: str | None = None
    # Dates reports count by; None leaves what the record holds (e.g. an imported case's).
    arrival_date: date | None = None
    reintegration_date: date | None = None  # the first reintegration help delivered
    closed_date: date | None = None  # default for a closed case: the day of updated_at
    assignee_id: str | None = None
    tasks: list[TaskInfo] = Field(default_factory=list)
    deadlines: list[DeadlineInfo] = Field(default_factory=list)
    # Timeline entries written in the same transaction (record_and_project only).
    timeline: list[TimelineEntryInput] = Field(default_factory=list)


class ProjectCaseResult(BaseModel):
    applied: bool


CaseWorkflowInput.model_rebuild()
