"""Projects: admins manage them, every case runs under one, supervisors move cases."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from core.search_attributes import CASE_PROJECT
from models.projects import ProjectMove
from models.report_data import PlanComponentRow
from models.tables import Case
from tests.factories import CASE_JSON, default_project_id
from tests.tokens import bearer

ADMIN = bearer("admin")


def project_json(**overrides: Any) -> dict[str, Any]:
    return {
        "fund": "amif",
        "code": "AMIF-LV-2026-01",
        "title": "Assisted return from Latvia 2026",
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "currency": "eur",
        "total_budget": "1250000.00",
        "eu_share_percent": "75",
        "national_share_percent": "25",
        "targets": {"persons_returned": 120, "trainings": 4},
        **overrides,
    }


async def create_project(api: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    r = await api.post("/projects", json=project_json(**overrides), headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_admin_creates_reads_and_changes_a_project(api: httpx.AsyncClient) -> None:
    project = await create_project(api)
    assert project["currency"] == "EUR"
    assert project["fund"] == "amif"
    assert project["targets"] == {
        "persons_returned": 120, "trainings": 4,
    }
    assert project["total_budget"] == "1250000.00"
    r = await api.get(f"/projects/{project['id']}", headers=bearer("auditor"))
    assert r.status_code == 200 and r.json()["code"] == "AMIF-LV-2026-01"
    r = await api.get("/projects")  # the caseworker reads
    assert {p["code"] for p in r.json()["data"]} == {"default", "AMIF-LV-2026-01"}
    # Paged, latest period first, with the count of all projects.
    pages = [(await api.get(f"/projects?offset={n}&limit=1")).json() for n in (0, 1)]
    assert [p["count"] for p in pages] == [2, 2]
    assert [p["data"][0]["code"] for p in pages] == [p["code"] for p in r.json()["data"]]

    r = await api.patch(
        f"/projects/{project['id']}",
        json={"eu_share_percent": "90", "national_share_percent": "10", "title": "Renamed"},
        headers=ADMIN,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["eu_share_percent"], r.json()["title"]) == ("90.00", "Renamed")


async def test_shares_must_add_up_to_100_and_codes_are_unique(api: httpx.AsyncClient) -> None:
    r = await api.post("/projects", json=project_json(eu_share_percent="80"), headers=ADMIN)
    assert r.status_code == 422 and "add up to 100" in r.text
    r = await api.post("/projects", json=project_json(period_end="2025-12-31"), headers=ADMIN)
    assert r.status_code == 422 and "period_end" in r.text
    r = await api.post("/projects", json=project_json(currency="E1R"), headers=ADMIN)
    assert r.status_code == 422
    project = await create_project(api)
    r = await api.post("/projects", json=project_json(), headers=ADMIN)
    assert r.status_code == 409
    # A change is checked as a whole: one share alone no longer adds up.
    r = await api.patch(
        f"/projects/{project['id']}", json={"eu_share_percent": "50"}, headers=ADMIN
    )
    assert r.status_code == 422 and "add up to 100" in r.text
    r = await api.patch("/projects/no-such", json={"title": "x"}, headers=ADMIN)
    assert r.status_code == 404


async def test_a_case_runs_under_the_named_or_the_default_project(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    project = await create_project(api)
    r = await api.post("/cases", json=CASE_JSON | {"project_id": project["id"]})
    assert r.status_code == 201, r.text
    assert r.json()["project_id"] == project["id"]
    r = await api.post("/cases", json=CASE_JSON)
    assert r.status_code == 201
    assert r.json()["project_id"] == default_project_id(engine)
    r = await api.get("/cases", params={"project_id": project["id"]})
    assert [c["project_id"] for c in r.json()["data"]] == [project["id"]]
    assert r.json()["count"] == 1


async def test_unknown_or_ended_projects_are_refused(api: httpx.AsyncClient) -> None:
    r = await api.post("/cases", json=CASE_JSON | {"project_id": "no-such-project"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "project_id"]
    yesterday = date.today() - timedelta(days=1)
    ended = await create_project(
        api, code="ENDED", period_start="2020-01-01", period_end=yesterday.isoformat()
    )
    r = await api.post("/cases", json=CASE_JSON | {"project_id": ended["id"]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "project_id"]
    assert "ended" in r.json()["detail"][0]["msg"]


async def test_no_default_project_means_a_case_must_name_one(
    api: httpx.AsyncClient, settings: Any
) -> None:
    settings.default_project_code = "not-configured"
    r = await api.post("/cases", json=CASE_JSON)
    assert r.status_code == 422
    assert "HOMEWARD_DEFAULT_PROJECT_CODE" in r.json()["detail"][0]["msg"]


async def test_a_supervisor_moves_a_case_to_a_follow_on_project(
    api: httpx.AsyncClient, engine: Engine, dev_env: WorkflowEnvironment
) -> None:
    case = (await api.post("/cases", json=CASE_JSON)).json()
    follow_on = await create_project(api, code="FOLLOW-ON")
    with Session(engine) as session:  # a plan component as reports count it
        session.add(PlanComponentRow(
            case_id=case["id"], project_id=case["project_id"], component_id="c1",
            kind="housing", dimension="social", level="individual", budget=Decimal(1)))
        session.commit()
    supervisor = bearer("supervisor")
    body = {"project_id": follow_on["id"], "reason": "first project's budget is spent"}
    r = await api.post(f"/cases/{case['id']}/project", json=body, headers=supervisor)
    assert r.status_code == 200, r.text
    with Session(engine) as session:  # ... counts for the follow-on project from now
        assert session.exec(select(PlanComponentRow.project_id)).all() == [follow_on["id"]]
    move = r.json()
    assert (move["from_project_id"], move["to_project_id"], move["moved_by"]) == (
        case["project_id"], follow_on["id"], "supervisor",
    )
    with Session(engine) as session:
        stored = session.get(Case, case["id"])
        assert stored is not None and stored.project_id == follow_on["id"]
        moves = session.exec(select(ProjectMove).where(ProjectMove.case_id == case["id"])).all()
        assert [(m.reason, m.moved_by) for m in moves] == [(body["reason"], "supervisor")]
    # The workflow follows: its CaseProject search attribute names the new project.
    handle = dev_env.client.get_workflow_handle(f"case-{case['id']}")
    for _ in range(100):
        attributes = (await handle.describe()).typed_search_attributes
        if attributes.get(CASE_PROJECT) == follow_on["id"]:
            break
        await asyncio.sleep(0.05)
    assert attributes.get(CASE_PROJECT) == follow_on["id"]
    assert (await api.get(f"/cases/{case['id']}")).json()["live"]["project_id"] == follow_on["id"]
    # Again to the same project: nothing to move.
    r = await api.post(f"/cases/{case['id']}/project", json=body, headers=supervisor)
    assert r.status_code == 409
    r = await api.post(
        f"/cases/{case['id']}/project", json=body | {"project_id": "nope"}, headers=supervisor
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "project_id"]
    r = await api.post("/cases/no-such-case/project", json=body, headers=supervisor)
    assert r.status_code == 404
