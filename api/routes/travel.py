"""Travel documents, clearance, booking and departure: caseworker, embassy and authority inputs."""

from __future__ import annotations

from fastapi import APIRouter

from api.decisions import act
from api.deps import CaseDep, CurrentActor, TemporalDep
from models.decisions import (
    AssessDocumentsInput,
    ConfirmClearanceInput,
    ConfirmDepartureInput,
    DocumentDecisionInput,
    EmbassyAnswerInput,
    NoShowDecisionInput,
    RequestBookingInput,
)
from models.payloads import CaseState
from models.schemas import (
    BookingIn,
    ClearanceIn,
    DepartureIn,
    DocumentDecisionIn,
    DocumentsAssessmentIn,
    EmbassyAnswerIn,
    NoShowDecisionIn,
)
from workflows.return_case import ReturnCaseWorkflow

router = APIRouter(prefix="/cases/{case_id}", tags=["travel"])


@router.post("/travel-documents/assessment", response_model=CaseState)
async def assess_travel_documents(
    case: CaseDep, body: DocumentsAssessmentIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Check passports against the planned departure; request a travel document if needed."""
    return await act(
        client,
        case.id,
        ReturnCaseWorkflow.assess_travel_documents,
        AssessDocumentsInput,
        actor,
        body,
    )


@router.post("/travel-documents/embassy-answer", response_model=CaseState)
async def record_embassy_answer(
    case: CaseDep, body: EmbassyAnswerIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Record the embassy's answer: document issued, or refused with its reason."""
    return await act(
        client, case.id, ReturnCaseWorkflow.record_embassy_answer, EmbassyAnswerInput, actor, body
    )


@router.post("/travel-documents/decision", response_model=CaseState)
async def decide_travel_documents(
    case: CaseDep, body: DocumentDecisionIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """After a refusal or a missed deadline: request again, escalate, or close."""
    return await act(
        client,
        case.id,
        ReturnCaseWorkflow.decide_travel_documents,
        DocumentDecisionInput,
        actor,
        body,
    )


@router.post("/clearance", response_model=CaseState)
async def confirm_clearance(
    case: CaseDep, body: ClearanceIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Record exit clearance or release from detention as confirmed by the authority."""
    return await act(
        client, case.id, ReturnCaseWorkflow.confirm_clearance, ConfirmClearanceInput, actor, body
    )


@router.post("/bookings", response_model=CaseState)
async def request_booking(
    case: CaseDep, body: BookingIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Book the itinerary; lead-time problems show as warnings on the case."""
    return await act(
        client, case.id, ReturnCaseWorkflow.request_booking, RequestBookingInput, actor, body
    )


@router.post("/departure", response_model=CaseState)
async def confirm_departure(
    case: CaseDep, body: DepartureIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """The border guard or the escort confirms departure; the grant is paid then."""
    return await act(
        client, case.id, ReturnCaseWorkflow.confirm_departure, ConfirmDepartureInput, actor, body
    )


@router.post("/no-show/decision", response_model=CaseState)
async def decide_no_show(
    case: CaseDep, body: NoShowDecisionIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """After a no-show: rebook (the old booking is cancelled) or suspend."""
    return await act(
        client, case.id, ReturnCaseWorkflow.decide_no_show, NoShowDecisionInput, actor, body
    )
