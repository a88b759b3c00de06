"""Vocabulary shared by tables, API schemas and workflow payloads."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    INTAKE = "intake"
    ELIGIBILITY = "eligibility"
    CONSENT = "consent"
    VULNERABILITY = "vulnerability"
    TRAVEL_DOCUMENTS = "travel_documents"
    CLEARANCE = "clearance"
    TRAVEL = "travel"
    DEPARTED = "departed"
    ARRIVAL = "arrival"
    REINTEGRATION = "reintegration"
    MONITORING = "monitoring"
    CLOSURE = "closure"
    CLOSED = "closed"


class CaseStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class LegalSituation(StrEnum):
    REJECTED_ASYLUM_SEEKER = "rejected_asylum_seeker"
    IRREGULAR_STAY = "irregular_stay"
    VISA_OVERSTAY = "visa_overstay"
    EXPIRED_RESIDENCE_PERMIT = "expired_residence_permit"
    ASYLUM_APPLICATION_WITHDRAWN = "asylum_application_withdrawn"
    OTHER = "other"


class LocationType(StrEnum):
    DETENTION_CENTRE = "detention_centre"
    RECEPTION_CENTRE = "reception_centre"
    COMMUNITY = "community"


class Role(StrEnum):
    """A user's role. Authority roles are service accounts of the systems that confirm steps."""

    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    PARTNER = "partner"
    AUDITOR = "auditor"
    ADMIN = "admin"
    BORDER_GUARD = "border_guard"
    MIGRATION_OFFICE = "migration_office"
    ESCORT = "escort"
    EMBASSY_LIAISON = "embassy_liaison"
    # Books flights by hand (operations staff or a contracted agency), HOMEWARD_BOOKING=desk.
    TRAVEL_DESK = "travel_desk"
    FINANCE = "finance"  # exports bank transfers, uploads the bank's statements


# Roles whose tasks are people's decisions in Homeward (queues, SLAs); the others are
# answers from outside (embassy, authorities) and are chased by deadlines instead.
HUMAN_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER, Role.TRAVEL_DESK})


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Relationship(StrEnum):
    PRINCIPAL = "principal"
    SPOUSE = "spouse"
    CHILD = "child"
    OTHER = "other"


class Vulnerability(StrEnum):
    UNACCOMPANIED_MINOR = "unaccompanied_minor"
    MEDICAL_CONDITION = "medical_condition"
    TRAFFICKING_VICTIM = "trafficking_victim"
    ELDERLY = "elderly"
    DISABILITY = "disability"
    SINGLE_PARENT = "single_parent"
    PREGNANT = "pregnant"


class StepKind(StrEnum):
    """Steps a vulnerability adds; each blocks departure until done."""

    GUARDIAN_CONSENT = "guardian_consent"
    BEST_INTERESTS_ASSESSMENT = "best_interests_assessment"
    RECEPTION_ARRANGEMENT = "reception_arrangement"
    FIT_TO_TRAVEL = "fit_to_travel"
    ESCORT_DECISION = "escort_decision"
    RISK_ASSESSMENT = "risk_assessment"
    SPECIALISED_REFERRAL = "specialised_referral"
    AIRPORT_ASSISTANCE = "airport_assistance"


class ClosureReason(StrEnum):
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"
    ABSCONDED = "absconded"
    NO_TRAVEL_DOCUMENT = "no_travel_document"
    # After departure, proposed by a caseworker and approved by a supervisor.
    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    DECEASED = "deceased"
    LOST_CONTACT = "lost_contact"


class DocumentStatus(StrEnum):
    NOT_ASSESSED = "not_assessed"
    NOT_NEEDED = "not_needed"
    REQUESTED = "requested"
    REFUSED = "refused"
    DEADLINE_REACHED = "deadline_reached"
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"


class DocumentChoice(StrEnum):
    """What the caseworker decides after an embassy refusal or a missed deadline."""

    REQUEST_AGAIN = "request_again"
    ESCALATE = "escalate"
    CLOSE = "close"


class ClearanceKind(StrEnum):
    EXIT_CLEARANCE = "exit_clearance"
    RELEASE_FROM_DETENTION = "release_from_detention"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    FLOWN = "flown"


class NoShowChoice(StrEnum):
    REBOOK = "rebook"
    SUSPEND = "suspend"


class GrantStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"
    RELEASED = "released"
    # Handed to the office (cash to hand over, a transfer for the bank); paid once recorded.
    PAYMENT_PENDING = "payment_pending"


class TimelineKind(StrEnum):
    """What a case timeline entry records."""

    STAGE_CHANGE = "stage_change"
    DECISION = "decision"
    EXTERNAL_CALL = "external_call"
    REMINDER = "reminder"
    NOTE = "note"


class Fund(StrEnum):
    """Where a project's money comes from."""

    EU_RETURN_FUND = "eu_return_fund"
    AMIF = "amif"
    NATIONAL = "national"
    OTHER = "other"


class ActivityType(StrEnum):
    """Project activities donors count besides returns."""

    TRAINING = "training"  # seminars and trainings for officials
    REGIONAL_CONSULTATION = "regional_consultation"
    STUDY_VISIT = "study_visit"
    INFORMATION_CAMPAIGN = "information_campaign"
    STUDY = "study"


class Dimension(StrEnum):
    """The three dimensions of reintegration support and of the sustainability score."""

    ECONOMIC = "economic"
    SOCIAL = "social"
    PSYCHOSOCIAL = "psychosocial"


class ComponentKind(StrEnum):
    """A reintegration plan component; each belongs to one dimension (see DIMENSION_OF)."""

    BUSINESS_START_UP = "business_start_up"
    JOB_PLACEMENT = "job_placement"
    TRAINING = "training"
    HOUSING = "housing"
    SCHOOLING = "schooling"
    LEGAL_DOCUMENTS = "legal_documents"
    COUNSELLING = "counselling"
    MEDICAL = "medical"


DIMENSION_OF: dict[ComponentKind, Dimension] = {
    ComponentKind.BUSINESS_START_UP: Dimension.ECONOMIC,
    ComponentKind.JOB_PLACEMENT: Dimension.ECONOMIC,
    ComponentKind.TRAINING: Dimension.ECONOMIC,
    ComponentKind.HOUSING: Dimension.SOCIAL,
    ComponentKind.SCHOOLING: Dimension.SOCIAL,
    ComponentKind.LEGAL_DOCUMENTS: Dimension.SOCIAL,
    ComponentKind.COUNSELLING: Dimension.PSYCHOSOCIAL,
    ComponentKind.MEDICAL: Dimension.PSYCHOSOCIAL,
}


class ComponentLevel(StrEnum):
    """Whom a reintegration plan component serves: the returnee and household, a community
    (with other beneficiaries than the returnee), or a structure (a service, an authority)."""

    INDIVIDUAL = "individual"
    COMMUNITY = "community"
    STRUCTURAL = "structural"


class AssistanceKind(StrEnum):
    """Post-arrival assistance a partner provides in the first days."""

    AIRPORT_PICK_UP = "airport_pick_up"
    ONWARD_TRANSPORT = "onward_transport"
    TEMPORARY_ACCOMMODATION = "temporary_accommodation"
    MEDICAL = "medical"


class PlanStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    SENT_BACK = "sent_back"


class CostCategory(StrEnum):
    """What a cost paid for; each is booked by the activity that caused it."""

    TICKET = "ticket"
    ESCORT = "escort"
    DOCUMENT_FEE = "document_fee"
    CASH_GRANT = "cash_grant"
    POST_ARRIVAL = "post_arrival"  # help on arrival: reception, onward transport, medical
    REINTEGRATION = "reintegration"  # each delivered line of a reintegration plan
    OTHER = "other"  # imported costs the categories above do not fit


# The work on cases (tasks, deadlines, the stuck list) has its own vocabulary module.
from models.enums_work import (  # noqa: F401  (re-exported: imported from here widely)
    DeadlineKind,
    MinorFollowUpKind,
    Severity,
    StuckReason,
    TaskKind,
)
