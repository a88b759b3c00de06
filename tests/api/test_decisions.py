"""Decision endpoints: the acting user from headers, 404/409/422, household at case creation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner

from api.decisions import execute_update
from api.main import create_app
from core.settings import Settings
from models.tables import HouseholdMember
from models.users import User
from tests.factories import CASE_JSON
from tests.tokens import bearer
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

COUNSELLING = {"held_on": "2026-01-05", "place": "Mucenieki", "language": "ka"}
CASEWORKER = bearer("caseworker")
SUPERVISOR = bearer("supervisor")
CHILD = {
    "given_name": "Nino",
    "family_name": "Beridze",
    "date_of_birth": "2019-02-01",
    "sex": "female",
    "nationality": "GE",
    "relationship": "child",
    "vulnerabilities": ["medical_condition"],
}


async def case_in_eligibility(api: httpx.AsyncClient, **extra: Any) -> str:
    r = await api.post("/cases", json=CASE_JSON | extra)
    assert r.status_code == 201, r.text
    case_id: str = r.json()["id"]
    assert (await api.post(f"/cases/{case_id}/counselling-sessions", json=COUNSELLING)).is_success
    assert (await api.post(f"/cases/{case_id}/intake/complete")).is_success
    return case_id


async def test_household_is_stored_and_the_workflow_gets_no_names(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    r = await api.post("/cases", json=CASE_JSON | {"dependants": [CHILD]})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    with Session(engine) as session:
        rows = session.exec(select(HouseholdMember).where(HouseholdMember.case_id == case_id)).all()
    by_name = {m.given_name: m for m in rows}
    assert set(by_name) == {"Giorgi", "Nino"}
    live = (await api.get(f"/cases/{case_id}")).json()["live"]
    members = {m["member_id"]: m for m in live["household"]}
    assert members[by_name["Nino"].id]["is_minor"] is True
    assert members[by_name["Giorgi"].id]["relationship"] == "principal"
    assert "Nino" not in str(live) and "Beridze" not in str(live)
    household = (await api.get(f"/cases/{case_id}/household")).json()
    assert [(m["given_name"], m["relationship"]) for m in household] == [
        ("Giorgi", "principal"),
        ("Nino", "child"),
    ]
    assert household[1]["id"] == by_name["Nino"].id
    assert {(s["member_id"], s["kind"]) for s in live["steps"]} == {
        (by_name["Nino"].id, "fit_to_travel"),
        (by_name["Nino"].id, "escort_decision"),
    }


async def test_household_validation_names_the_field(api: httpx.AsyncClient) -> None:
    adult_minor = CASE_JSON | {
        "principal": CASE_JSON["principal"] | {"vulnerabilities": ["unaccompanied_minor"]}  # type: ignore[operator]
    }
    r = await api.post("/cases", json=adult_minor)
    assert r.status_code == 422
    assert "principal.vulnerabilities: unaccompanied_minor on an adult" in r.text
    r = await api.post(
        "/cases", json=CASE_JSON | {"dependants": [CHILD | {"relationship": "principal"}]}
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "dependants", 0, "relationship"]
    r = await api.post(
        "/cases",
        json=CASE_JSON
        | {"return_decision_date": "2026-03-01", "voluntary_departure_deadline": "2026-02-01"},
    )
    assert r.status_code == 422
    assert "voluntary_departure_deadline is before return_decision_date" in r.text


async def test_the_acting_user_comes_from_the_token(api: httpx.AsyncClient) -> None:
    r = await api.post("/cases", json=CASE_JSON)
    case_id = r.json()["id"]
    r = await api.post(
        f"/cases/{case_id}/counselling-sessions", json=COUNSELLING, headers=bearer("borderguard")
    )
    assert r.status_code == 403
    assert "border_guard role may not" in r.json()["detail"]
    no_token = {"Authorization": ""}
    r = await api.post(f"/cases/{case_id}/counselling-sessions", json=COUNSELLING, headers=no_token)
    assert r.status_code == 401
    case_id = await case_in_eligibility(api)
    await api.post(f"/cases/{case_id}/eligibility/assessment", json={"eligible": True, "notes": "ok"})
    r = await api.post(
        f"/cases/{case_id}/eligibility/decision", json={"approve": True, "reason": "fine"}
    )
    assert r.status_code == 403  # a caseworker may not approve
    live = (await api.get(f"/cases/{case_id}")).json()["live"]
    assert live["eligibility"]["assessed_by"] == "caseworker"  # the token's user, nobody else


async def test_same_person_cannot_assess_and_approve_409(api: httpx.AsyncClient) -> None:
    case_id = await case_in_eligibility(api)
    r = await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": "ok"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 200, r.text
    assert r.json()["awaiting"] == "supervisor approval of the eligibility assessment"
    r = await api.post(
        f"/cases/{case_id}/eligibility/decision",
        json={"approve": True, "reason": "fine"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 409
    assert "same person cannot propose and approve" in r.json()["detail"]
    other = bearer("supervisor2")
    r = await api.post(
        f"/cases/{case_id}/eligibility/decision",
        json={"approve": True, "reason": "fine"},
        headers=other,
    )
    assert r.status_code == 200
    assert r.json()["stage"] == "consent"


async def test_bad_input_422_wrong_stage_409_unknown_case_404(api: httpx.AsyncClient) -> None:
    case_id = await case_in_eligibility(api)
    r = await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": ""},
        headers=CASEWORKER,
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "notes"]
    today = datetime.now(UTC).date().isoformat()
    consent = {
        "declaration_signed_on": today,
        "share_with_authorities": True,
        "share_with_partner": True,
        "witnessed_by": "N. K.",
    }
    r = await api.post(f"/cases/{case_id}/consent", json=consent, headers=CASEWORKER)
    assert r.status_code == 409
    assert "stage 'eligibility', not 'consent'" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/bookings", json={"departure_date": "2026-13-01"}, headers=CASEWORKER
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "departure_date"]
    r = await api.post("/cases/nope/consent", json=consent, headers=CASEWORKER)
    assert r.status_code == 404
    r = await api.post(
        f"/cases/{case_id}/closure/proposal",
        json={"reason": "gone", "note": "x"},
        headers=CASEWORKER,
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "reason"]


async def test_withdrawal_closes_and_later_decisions_are_refused(api: httpx.AsyncClient) -> None:
    case_id = await case_in_eligibility(api)
    r = await api.post(
        f"/cases/{case_id}/closure/proposal",
        json={"reason": "withdrawn", "note": "wants to stay with family"},
        headers=CASEWORKER,
    )
    assert r.status_code == 200, r.text
    # A proposal: the case stays open until a supervisor (not the proposer) approves.
    assert r.json()["stage"] == "eligibility"
    assert r.json()["closure_proposal"]["reason"] == "withdrawn"
    r = await api.post(
        f"/cases/{case_id}/closure/decision",
        json={"approve": True, "reason": "confirmed by phone"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "closed"
    assert r.json()["closure_reason"] == "withdrawn"
    for _ in range(600):  # the projection is written by an activity, shortly after
        listed = (await api.get("/cases", params={"closure_reason": "withdrawn"})).json()
        if listed["count"]:
            break
        await asyncio.sleep(0.05)
    assert [c["id"] for c in listed["data"]] == [case_id]
    assert listed["data"][0]["status"] == "closed"
    assert (await api.get("/cases", params={"status": "active"})).json()["count"] == 0
    r = await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": "ok"},
        headers=CASEWORKER,
    )
    assert r.status_code == 409


async def case_after_consent(api: httpx.AsyncClient, **extra: Any) -> str:
    case_id = await case_in_eligibility(api, **extra)
    await api.post(
        f"/cases/{case_id}/eligibility/assessment",
        json={"eligible": True, "notes": "ok"},
        headers=CASEWORKER,
    )
    await api.post(
        f"/cases/{case_id}/eligibility/decision",
        json={"approve": True, "reason": "ok"},
        headers=SUPERVISOR,
    )
    r = await api.post(
        f"/cases/{case_id}/consent",
        headers=CASEWORKER,
        json={
            "declaration_signed_on": datetime.now(UTC).date().isoformat(),
            "share_with_authorities": True,
            "share_with_partner": False,
            "witnessed_by": "N. K.",
        },
    )
    assert r.status_code == 200, r.text
    return case_id


async def test_grant_four_eyes_and_travel_endpoints_through_the_api(api: httpx.AsyncClient) -> None:
    case_id = await case_after_consent(api)
    r = await api.post(f"/cases/{case_id}/grant/proposal", headers=SUPERVISOR)
    assert r.status_code == 200 and r.json()["grant"]["amount"] == "300.00"
    r = await api.post(
        f"/cases/{case_id}/grant/decision",
        json={"approve": True, "reason": "ok"},
        headers=SUPERVISOR,
    )
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "cannot approve or reject the cash grant: the same person cannot propose and approve (four eyes)"
    )
    r = await api.post(
        f"/cases/{case_id}/bookings", json={"departure_date": "2030-01-10"}, headers=CASEWORKER
    )
    assert r.status_code == 409
    assert "stage 'travel_documents', not 'travel'" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/travel-documents/assessment",
        json={"planned_departure": "2030-01-10"},
        headers=CASEWORKER,
    )
    assert r.status_code == 200, r.text
    ref = r.json()["documents"]["request_ref"]  # CASE_JSON's principal has no passport
    assert r.json()["documents"]["status"] == "requested" and ref
    r = await api.post(
        f"/cases/{case_id}/travel-documents/embassy-answer",
        headers=CASEWORKER,
        json={"request_ref": ref, "issued": True},
    )
    assert r.status_code == 409
    assert "validity date" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/travel-documents/embassy-answer",
        headers=CASEWORKER,
        json={"request_ref": ref, "issued": True, "valid_until": "2030-06-01"},
    )
    assert r.status_code == 200 and r.json()["stage"] == "clearance"
    r = await api.post(
        f"/cases/{case_id}/clearance",
        headers=CASEWORKER,
        json={"kind": "release_from_detention", "confirmed_on": "2020-01-01", "reference": "X"},
    )
    assert r.status_code == 409
    assert "'release_from_detention' is not required" in r.json()["detail"]
    r = await api.post(f"/cases/{case_id}/grant/payment-retry", headers=CASEWORKER)
    assert r.status_code == 409
    assert "cannot retry the grant payment: the case is in stage 'clearance'" in r.json()["detail"]
    r = await api.post(
        f"/cases/{case_id}/departure",
        headers=CASEWORKER,
        json={"booking_ref": "BK-1", "departed_on": "2020-01-01"},
    )
    assert r.status_code == 403  # only the border guard or the escort confirm a departure
    r = await api.post(
        f"/cases/{case_id}/departure",
        headers=bearer("borderguard"),
        json={"booking_ref": "BK-1", "departed_on": "2020-01-01"},
    )
    assert r.status_code == 409


async def test_with_the_workflow_sandbox_turned_off_cases_run_the_same(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> None:
    unsandboxed = settings.model_copy(update={"workflow_sandbox": False})
    app = create_app(unsandboxed)
    app.state.engine, app.state.temporal = engine, dev_env.client
    worker = build_worker(dev_env.client, unsandboxed, engine)
    assert isinstance(worker.config()["workflow_runner"], UnsandboxedWorkflowRunner)
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
