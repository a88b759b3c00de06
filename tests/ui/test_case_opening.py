"""A case opened through either door, the JSON API or the web form, is opened the same way:
the caseworker who opens it takes it (a supervisor's waits to be assigned), and its workflow
starts with the installation's settings (the SLA overrides of HOMEWARD_TASK_SLA_HOURS). A case
recorded while Temporal is away is started when the same request is sent again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.service import RPCError, RPCStatusCode

from api import case_service
from core.settings import Settings
from models.enums import TaskKind
from models.payloads import CaseWorkflowInput
from models.tables import Case
from tests.factories import CASE_JSON
from tests.tokens import bearer
from tests.ui.conftest import Browser, csrf_of
from tests.ui.new_case import HOUSEHOLD, open_case
from workflows.return_case import workflow_id

SLA = {TaskKind.ASSESS_ELIGIBILITY: 7.0}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"task_sla_hours": SLA})


async def through_the_api(web_app: FastAPI, browser: Browser, username: str) -> str:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=web_app), base_url="http://homeward.test",
        headers=bearer(username),
    ) as api:
        r = await api.post("/cases", json=CASE_JSON)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def through_the_form(web_app: FastAPI, browser: Browser, username: str) -> str:
    page = await open_case(await browser(username))
    return page.rsplit("/", 1)[1]


@pytest.mark.parametrize("door", [through_the_api, through_the_form])
@pytest.mark.parametrize(("opener", "assignee"), [("caseworker", "caseworker"),
                                                   ("supervisor", None)])
async def test_either_door_assigns_the_opener_and_passes_the_settings_to_the_workflow(
    door: object, opener: str, assignee: str | None,
    web_app: FastAPI, browser: Browser, engine: Engine,
) -> None:
    case_id = await door(web_app, browser, opener)  # type: ignore[operator]
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None and case.assignee_id == assignee
    client = web_app.state.temporal
    history = await client.get_workflow_handle(workflow_id(case_id)).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    [wf_input] = await client.data_converter.decode(started.input.payloads, [CaseWorkflowInput])
    assert wf_input.assignee_id == assignee
    assert wf_input.policy.task_sla_hours[TaskKind.ASSESS_ELIGIBILITY] == 7.0
    # The overrides are merged into the policy's own SLAs, not put in their place.
    assert len(wf_input.policy.task_sla_hours) > 1


async def test_a_case_recorded_while_temporal_is_away_starts_when_sent_again(
    web_app: FastAPI, browser: Browser, engine: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def away(*args: Any, **kwargs: Any) -> None:
        raise RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b"")

    started = case_service.start_case_workflow
    api = httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app),
                            base_url="http://homeward.test", headers=bearer("caseworker"))
    web = await browser("caseworker")
    page = await web.get("/ui/cases/new")
    form = {"csrf_token": csrf_of(page.text), "idempotency_key": "form-1", **HOUSEHOLD}
    async with api:
        monkeypatch.setattr(case_service, "start_case_workflow", away)
        r = await api.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": "api-1"})
        assert r.status_code == 503
        assert r.json()["detail"].endswith("repeat the request with the same Idempotency-Key")
        r = await web.post("/ui/cases/new", data=form)
        assert r.status_code == 503 and "send the form again" in r.text
        with Session(engine) as session:
            recorded = {c.idempotency_key: c for c in session.exec(select(Case)).all()}
        assert set(recorded) == {"api-1", "form-1"}

        monkeypatch.setattr(case_service, "start_case_workflow", started)
        r = await api.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": "api-1"})
        assert r.status_code == 200 and r.json()["id"] == recorded["api-1"].id
        r = await web.post("/ui/cases/new", data=form)
        assert r.status_code == 303
        assert r.headers["location"].startswith(f"/ui/cases/{recorded['form-1'].id}?")
    client = web_app.state.temporal
    for case in recorded.values():
        await client.get_workflow_handle(workflow_id(case.id)).describe()  # started
