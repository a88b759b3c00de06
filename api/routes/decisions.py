"""Decisions on a case before travel: eligibility, consent, vulnerability steps, grant, withdrawal.

Each runs one workflow update as the acting user and returns the workflow's state; the
workflow's refusals (wrong stage, wrong role, four eyes) come back as 409 with its reason.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.decisions import act
from api.deps import CaseDep, CurrentActor, TemporalDep
from models.decisions import (
    EligibilityDecisionInput,
    GrantDecisionInput,
    ProposeClosureInput,
    ProposeGrantInput,
    RecordConsentInput,
    RecordStepInput,
    RetryPaymentInput,
    SubmitEligibilityInput,
)
from models.payloads import CaseState
from models.schemas import (
    ApprovalIn,
    ConsentIn,
    EligibilityAssessmentIn,
    VulnerabilityStepIn,
    WithdrawalIn,
)
from workflows.return_case import ReturnCaseWorkflow

router = APIRouter(prefix="/cases/{case_id}", tags=["decisions"])


@router.post("/eligibility/assessment", response_model=CaseState)
async def submit_eligibility(
    case: CaseDep, body: EligibilityAssessmentIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Submit the eligibility assessment; a different supervisor must then decide on it."""
    return await act(
        client, case.id, ReturnCaseWorkflow.submit_eligibility, SubmitEligibilityInput, actor, body
    )


@router.post("/eligibility/decision", response_model=CaseState)
async def decide_eligibility(
    case: CaseDep, body: ApprovalIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Approve or send back the eligibility assessment (supervisor, not the assessor)."""
    return await act(
        client,
        case.id,
        ReturnCaseWorkflow.decide_eligibility,
        EligibilityDecisionInput,
        actor,
        body,
    )


@router.post("/consent", response_model=CaseState)
async def record_consent(
    case: CaseDep, body: ConsentIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Record the signed declaration of voluntary return and the data-sharing consents."""
    return await act(
        client, case.id, ReturnCaseWorkflow.record_consent, RecordConsentInput, actor, body
    )


@router.post("/vulnerability-steps", response_model=CaseState)
async def record_vulnerability_step(
    case: CaseDep, body: VulnerabilityStepIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Record a step a vulnerability requires (guardian consent, fit-to-travel, ...)."""
    return await act(
        client, case.id, ReturnCaseWorkflow.record_vulnerability_step, RecordStepInput, actor, body
    )


@router.post("/grant/proposal", response_model=CaseState)
async def propose_grant(case: CaseDep, actor: CurrentActor, client: TemporalDep) -> CaseState:
    """Propose the cash grant the project's policy gives this household."""
    return await act(
        client, case.id, ReturnCaseWorkflow.propose_grant, ProposeGrantInput, actor, None
    )


@router.post("/grant/decision", response_model=CaseState)
async def decide_grant(
    case: CaseDep, body: ApprovalIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Approve or reject the proposed grant (supervisor, not the proposer)."""
    return await act(
        client, case.id, ReturnCaseWorkflow.decide_grant, GrantDecisionInput, actor, body
    )


@router.post("/grant/payment-retry", response_model=CaseState)
async def retry_grant_payment(case: CaseDep, actor: CurrentActor, client: TemporalDep) -> CaseState:
    """Pay a declined grant again, as a new payment, after the caseworker sorted out the cause."""
    return await act(
        client, case.id, ReturnCaseWorkflow.retry_grant_payment, RetryPaymentInput, actor, None
    )


@router.post("/withdrawal", response_model=CaseState)
async def withdraw(
    case: CaseDep, body: WithdrawalIn, actor: CurrentActor, client: TemporalDep
) -> CaseState:
    """Propose closing the case before departure (withdrew or absconded). A different
    supervisor approves it (`POST /cases/{id}/closure/decision`); the workflow then undoes
    what was set up (booking cancelled, document request withdrawn, grant released)."""
    return await act(
        client, case.id, ReturnCaseWorkflow.propose_closure, ProposeClosureInput, actor, body
    )
