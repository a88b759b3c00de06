"""The case workflow's input and its state, carried across continue-as-new and returned by
the ``state`` query. No personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from models.departure import (
    Booking,
    Clearance,
    Consent,
    CounsellingSession,
    Eligibility,
    Grant,
    TravelDocuments,
    VulnerabilityStep,
)
from models.desk import DeskRequest
from models.enums import (
    BookingStatus,
    CaseStatus,
    ClosureReason,
    LegalSituation,
    LocationType,
    Stage,
    TaskKind,
)
from models.people import Traveller
from models.policy import CasePolicy
from models.projection import TimelineEntryInput
from models.reintegration import (
    Arrival,
    ClosureProposal,
    Handover,
    MinorsAfterReturn,
    Monitoring,
    PartnerChoice,
    ReintegrationPlan,
)


class StageChange(BaseModel):
    stage: Stage
    at: datetime


class CaseFacts(BaseModel):
    """What a case is opened with: the facts the workflow starts from and keeps deciding on."""

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


class CaseWorkflowInput(CaseFacts):
    # Carried across continue-as-new; None on the first run.
    state: CaseState | None = None


class CaseState(CaseFacts):
    """Everything the workflow knows and decides on; returned by the ``state`` query."""

    stage: Stage = Stage.INTAKE
    status: CaseStatus = CaseStatus.ACTIVE
    counselling_sessions: list[CounsellingSession] = Field(default_factory=list)
    eligibility: Eligibility | None = None
    consent: Consent | None = None
    steps: list[VulnerabilityStep] = Field(default_factory=list)
    # A later finding changed a member's vulnerabilities: the next projection writes the
    # household's flags to the database, then clears this (a retried write converges).
    vulnerabilities_changed: bool = False
    documents: TravelDocuments = Field(default_factory=TravelDocuments)
    clearance: Clearance = Field(default_factory=Clearance)
    bookings: list[Booking] = Field(default_factory=list)
    # A booking the travel desk has been asked for and not recorded yet (HOMEWARD_BOOKING=desk).
    desk_request: DeskRequest | None = None
    grant: Grant | None = None
    departed_on: date | None = None
    departure_confirmed_by: str | None = None
    # After departure (models/reintegration.py).
    handover_due: bool = False  # the run loop hands the case over to the partner next
    handover: Handover | None = None
    # The partner chosen with the returnee before departure (None: the country's first).
    partner: PartnerChoice | None = None
    # Partners that declined the case or never answered, in order.
    partners_before: list[str] = Field(default_factory=list)
    handover_refused: str | None = None  # why the last handover found no partner
    arrival: Arrival = Field(default_factory=Arrival)
    plan: ReintegrationPlan | None = None
    monitoring: Monitoring = Field(default_factory=Monitoring)
    minors: MinorsAfterReturn = Field(default_factory=MinorsAfterReturn)
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


class PriorHistory(BaseModel):
    """What happened to a case before Homeward ran it (an import): the stage its workflow
    starts at, and the facts that stage implies."""

    stage: Stage
    intake_date: date
    consent_signed_on: date | None = None
    departed_on: date | None = None
    arrived_on: date | None = None
    reintegration_spent: Decimal | None = None  # becomes the approved plan's total
    partner_id: str | None = None  # the partner it was handed over to, once arrived
    recorded_by: str  # the user who imported it, recorded as having decided what it implies


CaseWorkflowInput.model_rebuild()
