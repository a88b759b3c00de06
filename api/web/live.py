"""The workflow's live state of a case, for pages; None when Temporal cannot answer."""

from __future__ import annotations

import structlog
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError

from models.payloads import CaseState
from workflows.return_case import ReturnCaseWorkflow, workflow_id

log = structlog.get_logger(__name__)


async def live_state(client: Client, case_id: str) -> CaseState | None:
    try:
        return await client.get_workflow_handle(workflow_id(case_id)).query(  # type: ignore[no-any-return]
            ReturnCaseWorkflow.state
        )
    except (RPCError, WorkflowQueryFailedError) as err:
        log.warning("live state unavailable", case_id=case_id, error=str(err))
        return None
