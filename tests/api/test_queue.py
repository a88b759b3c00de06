"""The work queue, assignment, and the supervisors' stuck list and actions, over the API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    UnsandboxedWorkflowRunner,
    Worker,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from activities.clients import ExternalClients
from activities.embassy import SimulatedEmbassy
from activities.simulation import SimulatorConfig
from api.main import create_app
from core.interceptors import ActivityContextInterceptor
from core.settings import Settings
from core.storage import build_store
from models.timeline import Notification
from models.users import User
from tests.api.decision_cases import case_after_consent, case_in_eligibility
from tests.api.test_timeline_and_notifications import timeline_until
from tests.factories import CASE_JSON
from tests.tokens import bearer
from worker import WORKFLOWS, activities_for

SUPERVISOR, CW2 = bearer("supervisor"), bearer("caseworker2")


async def until(fetch: Callable[[], Any], check: Callable[[Any], bool], seconds: float = 15) -> Any:
    """Poll ``fetch`` until ``check`` holds (projections and the server catch up)."""
    for _ in range(int(seconds / 0.1)):
        value = await fetch()
        if check(value):
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"never held; last: {value}")


async def test_queue_assignment_reminder_and_cancellation(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_id = await case_in_eligibility(api)  # opened by the caseworker: assigned to them

    async def mine(headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await api.get("/tasks", params={"assignee": "me"}, headers=headers or {})
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    queue = await until(
        mine, lambda q: [t["kind"] for t in q["data"]] == ["assess_eligibility"]
    )
    [task] = queue["data"]
    assert (task["case_id"], task["kind"], task["role"], task["assignee_id"]) == (
        case_id, "assess_eligibility", "caseworker", "caseworker")
    assert task["due_at"] > task["since"] and task["overdue"] is False
    assert (await mine(CW2))["count"] == 0
    # Filters on the task's case (its country) and on the task (overdue) narrow the queue.
    for params, count in (({"country": "GE"}, 1), ({"country": "UA"}, 0), ({"overdue": True}, 0)):
        r = await api.get("/tasks", params={"assignee": "me", **params})
        assert r.json()["count"] == count and len(r.json()["data"]) == count, (params, r.text)
    counts = (await api.get("/tasks/counts", params={"assignee": "me"})).json()
    assert counts == {"data": [{"stage": "eligibility", "tasks": 1, "overdue": 0}], "total": 1}

    # Reassignment: supervisors only, to an active caseworker, with a reason.
    body = {"assignee_id": "caseworker2", "reason": "Anna is on leave"}
    assert (await api.post(f"/cases/{case_id}/assignment", json=body)).status_code == 403
    bad = await api.post(f"/cases/{case_id}/assignment", headers=SUPERVISOR,
                         json={**body, "assignee_id": "auditor"})
    assert bad.status_code == 422 and "assignee_id" in bad.text
    r = await api.post(f"/cases/{case_id}/assignment", json=body, headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    assert r.json()["assignee_id"] == "caseworker2"
    again = await api.post(f"/cases/{case_id}/assignment", json=body, headers=SUPERVISOR)
    assert again.status_code == 409 and "already assigned" in again.json()["detail"]
    await until(lambda: mine(CW2), lambda q: q["count"] == 1)
    assert (await mine())["count"] == 0
    entries = await timeline_until(api, case_id, 5)
    assigned = [e for e in entries if e["summary"].startswith("case assigned")]
    assert assigned[0]["summary"] == "case assigned to caseworker2 (was caseworker)"
    assert (assigned[0]["actor_id"], assigned[0]["details"]) == (
        "supervisor", {"reason": "Anna is on leave"})

    # The supervisors' approval queue.
    r = await api.post(f"/cases/{case_id}/eligibility/assessment", headers=CW2,
                       json={"eligible": True, "notes": "meets the criteria"})
    assert r.is_success, r.text
    approvals = await until(
        lambda: api.get("/tasks/approvals", headers=SUPERVISOR),
        lambda r: r.json()["count"] == 1,
    )
    assert approvals.json()["data"][0]["kind"] == "approve_eligibility"
    assert (await api.get("/tasks/approvals")).status_code == 403

    # Remind the assignee: in the app for caseworker2 only.
    r = await api.post(f"/cases/{case_id}/reminder", headers=SUPERVISOR,
                       json={"message": "please look at the approval comments"})
    assert r.status_code == 200, r.text
    with Session(engine) as session:
        sent = session.exec(select(Notification).where(Notification.case_id == case_id)).all()
    assert [(n.user_id, n.subject.split(": ", 1)[1]) for n in sent] == [
        ("caseworker2", "reminder from a supervisor")]

    # Nothing is stuck; filters are validated.
    r = await api.get("/supervision/stuck", headers=SUPERVISOR)
    assert r.json() == {"data": [], "count": 0}
    r = await api.get("/supervision/stuck", params={"reason": "bored"}, headers=SUPERVISOR)
    assert r.status_code == 422 and "reason" in r.text
    r = await api.post(f"/cases/{case_id}/external-call-retry", headers=SUPERVISOR)
    assert r.status_code == 409

    # Cancel with a reason: a closure proposal (the approval becomes a supervisor's task),
    # approved by a second supervisor (four eyes); the case closes and its tasks go.
    r = await api.post(f"/cases/{case_id}/closure/proposal", headers=SUPERVISOR,
                       json={"reason": "absconded", "note": "not seen for a month"})
    assert r.status_code == 200, r.text
    assert r.json()["closure_proposal"]["reason"] == "absconded"
    await until(lambda: api.get("/tasks/approvals", headers=SUPERVISOR),
                lambda r: "approve_closure" in [t["kind"] for t in r.json()["data"]])
    r = await api.post(f"/cases/{case_id}/closure/decision", headers=bearer("supervisor2"),
                       json={"approve": True, "reason": "agreed"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["closure_reason"]) == ("closed", "absconded")
    await until(lambda: mine(CW2), lambda q: q["count"] == 0)


# ---- a workflow whose workflow tasks fail (a bad deploy) -----------------------------

BROKEN = {"on": False}


class _Breaks(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        if BROKEN["on"]:
            raise RuntimeError("a bug in the new deploy")
        return await self.next.execute_workflow(input)


class BreakingDeploy(Interceptor):
    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        return _Breaks


EMBASSY = SimulatedEmbassy(SimulatorConfig(seed=1))


@pytest.fixture
async def broken_api(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> AsyncIterator[httpx.AsyncClient]:
    """The API with a worker whose deploy can break (BROKEN) and whose embassy can go down."""
    EMBASSY.config.down, EMBASSY.calls = False, 0
    app = create_app(settings)
    app.state.engine, app.state.temporal = engine, dev_env.client
    worker = Worker(
        dev_env.client, task_queue=settings.temporal_task_queue, workflows=WORKFLOWS,
        activities=activities_for(  # type: ignore[arg-type]
            engine, ExternalClients(embassy=EMBASSY), store=build_store(settings)
        ),
        activity_executor=ThreadPoolExecutor(4),
        interceptors=[ActivityContextInterceptor(engine), BreakingDeploy()],
        workflow_runner=UnsandboxedWorkflowRunner(),  # the switch lives outside the sandbox
    )
    async with worker, app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
        headers=bearer("caseworker"),
    ) as client:
        yield client
    BROKEN["on"] = False


async def test_a_failing_workflow_is_stuck_until_the_fix_is_deployed(
    broken_api: httpx.AsyncClient,
) -> None:
    BROKEN["on"] = True
    r = await broken_api.post("/cases", json=CASE_JSON)
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]

    async def stuck() -> list[dict[str, Any]]:
        r = await broken_api.get("/supervision/stuck", headers=SUPERVISOR)
        assert r.status_code == 200, r.text
        return r.json()["data"]  # type: ignore[no-any-return]

    [case] = await until(stuck, lambda found: len(found) == 1)
    [reason] = case["reasons"]
    assert (case["case_id"], case["severity"]) == (case_id, "critical")
    assert reason["reason"] == "workflow_failing" and reason["attempt"] >= 2
    assert case["assignee_id"] == "caseworker" and case["country_of_origin"] == "GE"
    r = await broken_api.get("/supervision/stuck", headers=SUPERVISOR,
                             params={"reason": "workflow_failing", "country": "UA"})
    assert r.json()["count"] == 0

    BROKEN["on"] = False  # the fix: the server's next retry of the workflow task succeeds
    await until(stuck, lambda found: found == [], seconds=40)


async def test_retry_a_failing_external_call_now(broken_api: httpx.AsyncClient) -> None:
    case_id = await case_after_consent(broken_api)
    EMBASSY.config.down = True
    # The request waits for the embassy (retried with backoff): send it in the background.
    request = asyncio.create_task(broken_api.post(
        f"/cases/{case_id}/travel-documents/assessment", json={"planned_departure": "2030-01-10"}
    ))

    async def stuck() -> list[dict[str, Any]]:
        r = await broken_api.get("/supervision/stuck", headers=SUPERVISOR,
                                 params={"reason": "activity_retrying"})
        return r.json()["data"]  # type: ignore[no-any-return]

    # Attempts at about 0, 1, 3 and 7 s; the fifth would come only 8 s after the fourth.
    [case] = await until(stuck, lambda f: len(f) == 1 and f[0]["reasons"][0]["attempt"] >= 5,
                         seconds=30)
    reason = case["reasons"][0]
    assert (reason["system"], reason["last_error"]) == ("embassy", "embassy is down")
    calls_before = EMBASSY.calls
    r = await broken_api.post(f"/cases/{case_id}/external-call-retry", headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    assert r.json() == {"retried": ["request_travel_document"]}
    # Tried again at once, not at the end of the backoff.
    await until(lambda: asyncio.sleep(0, EMBASSY.calls), lambda n: n > calls_before, seconds=3)

    EMBASSY.config.down = False
    await until(lambda: asyncio.sleep(0, request.done()), bool, seconds=40)
    assert request.result().status_code == 200, request.result().text
    await until(stuck, lambda f: f == [])
