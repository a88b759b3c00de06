"""The case after departure as staff and its partner see it (the decisions after departure are
declared in workflows/phases and routed by api/routes/decisions.py).

Partners reach only cases handed over to their organisation (``PartnerCaseDep``: any other
case is a 404 to them); the view carries nothing a partner should not see.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError

from api.deps import PartnerCaseDep, TemporalDep
from models.schemas_aftercare import ReintegrationView
from workflows.return_case import ReturnCaseWorkflow, workflow_id

router = APIRouter(prefix="/cases/{case_id}", tags=["after arrival"])


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
