"""Decision endpoints and the case's workflow run: the same with the workflow sandbox off, and
an update meeting a continue-as-new goes to the new run unless the case has closed."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner

from api.decisions import execute_update
from api.main import create_app
from core.settings import Settings
from core.workflow_runner import ContextFreeRunner
from models.users import User
from tests.api.decision_cases import (
    CASEWORKER,
    case_in_eligibility,
)
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def test_with_the_workflow_sandbox_turned_off_cases_run_the_same(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> None:
    unsandboxed = settings.model_copy(update={"workflow_sandbox": False})
    app = create_app(unsandboxed)
    app.state.engine, app.state.temporal = engine, dev_env.client
    worker = build_worker(dev_env.client, unsandboxed, engine)
    runner = worker.config()["workflow_runner"]  # without its context questions either way
    assert isinstance(runner, ContextFreeRunner)
    assert isinstance(runner.inner, UnsandboxedWorkflowRunner)
    assert Settings(_env_file=None).workflow_sandbox  # type: ignore[call-arg]  # on by default
    async with worker, app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
        headers=CASEWORKER,
    ) as api:
        case_id = await case_in_eligibility(api)
        assert (await api.get(f"/cases/{case_id}")).json()["live"]["stage"] == "eligibility"


class RunThatContinuesAsNew:
    """A case handle whose first update meets the run as it continues as new (as the server
    answers then), and whose workflow is `status` when described right after."""

    def __init__(self, status: WorkflowExecutionStatus) -> None:
        self.id = "case-x"
        self.status = status
        self.sent: list[str] = []

    async def execute_update(self, update: Any, arg: str, id: str | None = None) -> str:
        self.sent.append(arg)
        if len(self.sent) == 1:
            raise RPCError("Completed workflow", RPCStatusCode.NOT_FOUND, b"")
        return f"taken: {arg}"

    async def describe(self) -> Any:
        return SimpleNamespace(status=self.status)


async def test_a_decision_meeting_a_continue_as_new_goes_to_the_new_run() -> None:
    handle = RunThatContinuesAsNew(WorkflowExecutionStatus.RUNNING)
    assert await decide_on(handle, "visit report") == "taken: visit report"
    assert handle.sent == ["visit report", "visit report"]


async def test_a_decision_on_a_closed_case_is_refused_and_not_sent_again() -> None:
    handle = RunThatContinuesAsNew(WorkflowExecutionStatus.COMPLETED)
    with pytest.raises(RPCError):
        await decide_on(handle, "visit report")
    assert handle.sent == ["visit report"]


async def decide_on(handle: RunThatContinuesAsNew, arg: str) -> Any:
    return await execute_update(handle, ReturnCaseWorkflow.report_monitoring, arg)  # type: ignore[arg-type]
