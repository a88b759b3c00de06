"""Decisions after departure: handover, arrival, plan, deliveries, monitoring, closure.

Partners may call the routes their role allows in api/policy.py, and only for cases handed
over to their organisation (``PartnerCaseDep``: any other case is a 404 to them); the
workflow's validators check the organisation again. Every route answers with the case's
reintegration view, which carries nothing a partner should not see.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError

from api.decisions import act
from api.deps import CurrentActor, PartnerCaseDep, TemporalDep
from models.decisions import (
    AddVisitInput,
    ClosureDecisionInput,
    ConfirmArrivalInput,
    EndMonitoringInput,
    HandOverInput,
    PlanDecisionInput,
    ProposeClosureInput,
    ProposePlanInput,
    RecordAssistanceInput,
    ReportDeliveryInput,
    ReportMonitoringInput,
)
from models.payloads import Actor
from models.schemas import ApprovalIn
from models.schemas_aftercare import (
    ArrivalIn,
    AssistanceIn,
    ClosureProposalIn,
    DeliveryIn,
    EndMonitoringIn,
    ExtraVisitIn,
    MonitoringReportIn,
    PlanIn,
    ReintegrationView,
)
from models.tables import Case
from workflows.return_case import ReturnCaseWorkflow, workflow_id

router = APIRouter(prefix="/cases/{case_id}", tags=["after arrival"])


async def _act(
    client: Any, case: Case, update: Any, model: type[BaseModel], actor: Actor,
    body: BaseModel | None,
) -> ReintegrationView:
    return ReintegrationView.of(await act(client, case.id, update, model, actor, body))


@router.get("/reintegration", response_model=ReintegrationView)
async def read_reintegration(case: PartnerCaseDep, client: TemporalDep) -> ReintegrationView:
    """Arrival, plan (planned vs delivered), monitoring visits and the score's trend."""
    try:
        state = await client.get_workflow_handle(workflow_id(case.id)).query(
            ReturnCaseWorkflow.state
        )
    except (RPCError, WorkflowQueryFailedError) as err:
        raise HTTPException(503, f"the case's workflow cannot be read now: {err}") from err
    return ReintegrationView.of(state)


@router.post("/handover", response_model=ReintegrationView)
async def hand_over(case: PartnerCaseDep, actor: CurrentActor, client: TemporalDep) -> ReintegrationView:
    """Hand the case over to the partner for its country again (after adding a partner)."""
    return await _act(client, case, ReturnCaseWorkflow.hand_over, HandOverInput, actor, None)


@router.post("/arrival", response_model=ReintegrationView)
async def confirm_arrival(
    case: PartnerCaseDep, body: ArrivalIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """The partner (or staff) confirms the returnee arrived."""
    return await _act(
        client, case, ReturnCaseWorkflow.confirm_arrival, ConfirmArrivalInput, actor, body
    )


@router.post("/arrival/assistance", response_model=ReintegrationView)
async def record_assistance(
    case: PartnerCaseDep, body: AssistanceIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Post-arrival assistance (pick-up, transport, accommodation, medical) with its cost."""
    return await _act(
        client, case, ReturnCaseWorkflow.record_assistance, RecordAssistanceInput, actor, body
    )


@router.post("/reintegration-plan", response_model=ReintegrationView)
async def propose_plan(
    case: PartnerCaseDep, body: PlanIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Propose the reintegration plan; refused over the project's caps."""
    return await _act(client, case, ReturnCaseWorkflow.propose_plan, ProposePlanInput, actor, body)


@router.post("/reintegration-plan/decision", response_model=ReintegrationView)
async def decide_plan(
    case: PartnerCaseDep, body: ApprovalIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Approve or send back the plan (a supervisor who did not propose it)."""
    return await _act(client, case, ReturnCaseWorkflow.decide_plan, PlanDecisionInput, actor, body)


@router.post("/reintegration-plan/deliveries", response_model=ReintegrationView)
async def report_delivery(
    case: PartnerCaseDep, body: DeliveryIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Report one plan component delivered: date, actual cost, evidence reference."""
    return await _act(
        client, case, ReturnCaseWorkflow.report_delivery, ReportDeliveryInput, actor, body
    )


@router.post("/monitoring/reports", response_model=ReintegrationView)
async def report_monitoring(
    case: PartnerCaseDep, body: MonitoringReportIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Report the next open monitoring visit's indicators; the workflow scores them."""
    return await _act(
        client, case, ReturnCaseWorkflow.report_monitoring, ReportMonitoringInput, actor, body
    )


@router.post("/monitoring/visits", response_model=ReintegrationView)
async def add_visit(
    case: PartnerCaseDep, body: ExtraVisitIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Add an extra monitoring visit (supervisor, with a reason)."""
    return await _act(
        client, case, ReturnCaseWorkflow.add_monitoring_visit, AddVisitInput, actor, body
    )


@router.post("/monitoring/end", response_model=ReintegrationView)
async def end_monitoring(
    case: PartnerCaseDep, body: EndMonitoringIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """End monitoring early (supervisor, with a reason)."""
    return await _act(
        client, case, ReturnCaseWorkflow.end_monitoring, EndMonitoringInput, actor, body
    )


@router.post("/closure/proposal", response_model=ReintegrationView)
async def propose_closure(
    case: PartnerCaseDep, body: ClosureProposalIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Propose closing the case with a reason; a different supervisor decides."""
    return await _act(
        client, case, ReturnCaseWorkflow.propose_closure, ProposeClosureInput, actor, body
    )


@router.post("/closure/decision", response_model=ReintegrationView)
async def decide_closure(
    case: PartnerCaseDep, body: ApprovalIn, actor: CurrentActor, client: TemporalDep
) -> ReintegrationView:
    """Approve the closure (the case then accepts no further decisions) or send it back."""
    return await _act(
        client, case, ReturnCaseWorkflow.decide_closure, ClosureDecisionInput, actor, body
    )
