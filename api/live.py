"""A case's live state: its workflow's answer to the ``state`` query, read one way everywhere."""

from __future__ import annotations

import structlog
from fastapi import HTTPException
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError

from models.payloads import CaseState
from workflows.return_case import ReturnCaseWorkflow, workflow_id

log = structlog.get_logger(__name__)


class LiveStateUnavailable(HTTPException):
    """Temporal could not answer for the case. An HTTP 503 so that a route with nothing to
    show without the live state can let it through; the pages and the case detail catch it
    and show the projection alone."""

    def __init__(self, case_id: str, cause: Exception) -> None:
        super().__init__(503, f"the case's workflow cannot be read now: {cause}")
        self.case_id = case_id


async def read_live_state(client: Client, case_id: str) -> CaseState:
    """The case's state as its workflow holds it now; LiveStateUnavailable if Temporal is
    unreachable or the query fails."""
    try:
        return await client.get_workflow_handle(workflow_id(case_id)).query(  # type: ignore[no-any-return]
            ReturnCaseWorkflow.state
        )
    except (RPCError, WorkflowQueryFailedError) as err:
        log.warning("live state unavailable", case_id=case_id, error=str(err))
        raise LiveStateUnavailable(case_id, err) from err

