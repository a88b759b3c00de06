"""Update inputs: one model per caseworker/authority decision, each naming who acts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from models.enums import (
    ClearanceKind,
    ClosureReason,
    DocumentChoice,
    MinorFollowUpKind,
    NoShowChoice,
    StepKind,
)
from models.payloads import Actor, CounsellingSession
from models.schemas_aftercare import (
    ArrivalIn,
    AssistanceIn,
    ClosureProposalIn,
    DeliveryIn,
    EndMonitoringIn,
    ExtraVisitIn,
    MonitoringReportIn,
    PlanIn,
)

Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class RecordCounsellingInput(BaseModel):
    session: CounsellingSession
    # Optional: histories recorded before intake decisions named their actor lack it.
    actor: Actor | None = None


class CompleteIntakeInput(BaseModel):
    actor: Actor | None = None  # as above


class SubmitEligibilityInput(BaseModel):
    actor: Actor
    eligible: bool
    notes: Reason


class EligibilityDecisionInput(BaseModel):
    actor: Actor
    approve: bool
    reason: Reason


class RecordConsentInput(BaseModel):
    actor: Actor
    declaration_signed_on: date
    share_with_authorities: bool
    share_with_partner: bool
    witnessed_by: str = Field(min_length=1, max_length=200)


class RecordStepInput(BaseModel):
    actor: Actor
    member_id: str
    kind: StepKind
    completed_on: date
    valid_until: date | None = None
    escort_required: bool | None = None
    notes: str | None = Field(default=None, max_length=2000)


class AssessDocumentsInput(BaseModel):
    actor: Actor
    planned_departure: date


class EmbassyAnswerInput(BaseModel):
    actor: Actor
    request_ref: str
    issued: bool
    valid_until: date | None = None
    reason: str | None = Field(default=None, max_length=2000)
    # The fee the embassy charged (patch embassy-fee): booked as the case's document fee.
    fee: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    fee_currency: str | None = Field(default=None, min_length=3, max_length=3)


class DocumentDecisionInput(BaseModel):
    actor: Actor
    choice: DocumentChoice
    reason: Reason


class ConfirmClearanceInput(BaseModel):
    actor: Actor
    kind: ClearanceKind
    confirmed_on: date
    reference: str = Field(min_length=1, max_length=100)


class RequestBookingInput(BaseModel):
    actor: Actor
    departure_date: date
    escort: bool = False
    transit_assistance: bool = False


class ConfirmDepartureInput(BaseModel):
    actor: Actor
    booking_ref: str
    departed_on: date


class NoShowDecisionInput(BaseModel):
    actor: Actor
    choice: NoShowChoice
    reason: Reason
    new_departure_date: date | None = None


class ProposeGrantInput(BaseModel):
    actor: Actor


class GrantDecisionInput(BaseModel):
    actor: Actor
    approve: bool
    reason: Reason


class RetryPaymentInput(BaseModel):
    actor: Actor


class WithdrawInput(BaseModel):
    actor: Actor
    reason: ClosureReason = ClosureReason.WITHDRAWN
    note: Reason


# ---- after departure: the API body plus the acting user (models/schemas_aftercare.py) ----


class HandOverInput(BaseModel):
    actor: Actor


class ConfirmArrivalInput(ArrivalIn):
    actor: Actor


class RecordAssistanceInput(AssistanceIn):
    actor: Actor


class ProposePlanInput(PlanIn):
    actor: Actor


class PlanDecisionInput(BaseModel):
    actor: Actor
    approve: bool
    reason: Reason


class ReportDeliveryInput(DeliveryIn):
    actor: Actor


class ReportMonitoringInput(MonitoringReportIn):
    actor: Actor


class AddVisitInput(ExtraVisitIn):
    actor: Actor


class EndMonitoringInput(EndMonitoringIn):
    actor: Actor


class ProposeClosureInput(ClosureProposalIn):
    actor: Actor


class ClosureDecisionInput(BaseModel):
    actor: Actor
    approve: bool
    reason: Reason
class AssignInput(BaseModel):
    """Reassign the case to another caseworker (supervisors; recorded with who and why)."""

    actor: Actor
    assignee_id: str = Field(min_length=1, max_length=100)
    reason: Reason


class RemindAssigneeInput(BaseModel):
    """A supervisor nudges the case's assignee: in-app notification and e-mail."""

    actor: Actor
    message: Reason


class MinorHandoverInput(BaseModel):
    """The fact of an unaccompanied minor's handover at arrival; whom they went to (name,
    relationship, how identity was checked) stays in the database record ``handover_id``."""

    actor: Actor
    handover_id: str = Field(min_length=1, max_length=36)
    member_id: str = Field(min_length=1, max_length=36)
    handed_over_on: date
    to_kind: str = Field(max_length=40)  # parent, guardian, care_institution
    identity_checked: bool


class MinorFollowUpInput(BaseModel):
    actor: Actor
    member_id: str = Field(min_length=1, max_length=36)
    kind: MinorFollowUpKind
    done_on: date


class ConsentFact(BaseModel):
    """A person's consent for a purpose changed (api/consent.py): the fact only, for the
    case's history; who stated it and the signed form stay in the database."""

    actor: Actor
    purpose: str = Field(max_length=40)
    status: str = Field(max_length=40)
    persons: int = 1
    informed: int = 0  # notices sent to those already holding the data (a withdrawal)
