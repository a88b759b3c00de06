"""Per-project grant policy, costs of a case, a project's budget, and over-budget refusals."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.costs import Cost
from models.enums import CaseStatus, CostCategory
from models.tables import Case
from tests.api.decision_cases import case_after_consent
from tests.api.test_projects import ADMIN, create_project, project_json
from tests.factories import CASE_JSON, insert_case
from tests.tokens import bearer

SUPERVISOR = bearer("supervisor")
POLICY = {"grant": {"currency": "EUR", "per_adult": "650.00", "per_child": "200.00"},
          "reintegration": {"currency": "EUR", "per_adult": "1500.00"}}


def book(engine: Engine, case_id: str, project_id: str, *lines: tuple[CostCategory, str],
         simulated: bool = False) -> None:
    with Session(engine) as session:
        for i, (category, amount) in enumerate(lines):
            session.add(Cost(key=f"{case_id}:{i}:{simulated}", case_id=case_id,
                             project_id=project_id, category=category, amount=Decimal(amount),
                             currency="EUR", incurred_on=date(2026, 3, 1), description="test",
                             simulated=simulated))
        session.commit()


async def test_the_projects_policy_sets_the_grant_and_over_budget_is_refused_with_figures(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    project = await create_project(api, code="SMALL", total_budget="1000.00", policy=POLICY)
    assert project["policy"]["grant"]["per_adult"] == "650.00"
    assert project["policy"]["reintegration"]["per_adult"] == "1500.00"
    other = insert_case(engine, project_id=project["id"])
    book(engine, other.id, project["id"], (CostCategory.TICKET, "399.99"),
         (CostCategory.DOCUMENT_FEE, "0.01"))
    # A simulator's ticket: made up, so not consumed (not spending), but it uses the budget
    # up as a real one would (a training installation refuses as a real one does).
    book(engine, other.id, project["id"], (CostCategory.TICKET, "420.50"), simulated=True)

    case_id = await case_after_consent(api, project_id=project["id"])
    r = await api.post(f"/cases/{case_id}/grant/proposal")
    assert r.status_code == 200, r.text
    assert r.json()["grant"]["amount"] == "650.00"  # the project's policy, not the default 300

    decision = {"approve": True, "reason": "per policy"}
    r = await api.post(f"/cases/{case_id}/grant/decision", json=decision, headers=SUPERVISOR)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "over budget: project SMALL has a total budget of 1000.00 EUR, 400.00 EUR consumed, "
        "420.50 EUR booked by simulators (not spending) and 179.50 EUR remaining; this cash "
        "grant requests 650.00 EUR"
    )
    assert r.json()["code"] == "over_budget_simulated"
    live = (await api.get(f"/cases/{case_id}")).json()["live"]
    assert live["grant"]["status"] == "proposed"  # the refusal changed nothing

    r = await api.get(f"/projects/{project['id']}/budget", headers=bearer("auditor"))
    assert r.status_code == 200, r.text
    budget = r.json()
    assert (budget["total_budget"], budget["consumed"], budget["remaining"]) == (
        "1000.00", "400.00", "179.50"
    )
    assert budget["limited"] is True
    assert budget["simulated"] == "420.50"
    assert budget["by_category"]["ticket"] == {
        "consumed": "399.99", "committed": "0.00", "share_percent": 100.0,
        "simulated": "420.50",
    }
    assert budget["by_category"]["cash_grant"] == {
        "consumed": "0.00", "committed": "0.00", "share_percent": 0.0, "simulated": "0.00",
    }

    r = await api.patch(f"/projects/{project['id']}", json={"total_budget": "1470.50"},
                        headers=ADMIN)
    assert r.status_code == 200, r.text
    assert r.json()["policy"] == project["policy"]  # a patch keeps the policy
    r = await api.post(f"/cases/{case_id}/grant/decision", json=decision, headers=SUPERVISOR)
    assert r.status_code == 200, r.text  # exactly the budget: allowed
    assert r.json()["grant"]["status"] == "approved"

    r = await api.get(f"/cases/{other.id}/costs")
    assert r.status_code == 200, r.text
    assert (r.json()["total"], r.json()["simulated_total"]) == ("400.00", "420.50")
    assert [(c["category"], c["amount"], c["simulated"]) for c in r.json()["data"]] == [
        ("ticket", "399.99", False), ("document_fee", "0.01", False), ("ticket", "420.50", True),
    ]
    assert (await api.get("/cases/nope/costs")).status_code == 404


async def test_without_a_policy_a_case_gets_the_defaults_in_the_projects_currency(
    api: httpx.AsyncClient,
) -> None:
    project = await create_project(api, code="USD-1", currency="usd")
    assert project["policy"] is None
    r = await api.post("/cases", json={**CASE_JSON, "project_id": project["id"]})
    assert r.status_code == 201, r.text
    live = (await api.get(f"/cases/{r.json()['id']}")).json()["live"]
    assert live["policy"]["grant"]["currency"] == "USD"
    assert live["policy"]["grant"]["per_adult"] == "300.00"
    assert live["policy"]["reintegration"]["currency"] == "USD"

    r = await api.post("/projects", headers=ADMIN, json={
        **project_json(code="BAD"), "policy": {"grant": {"currency": "USD"}},
    })
    assert r.status_code == 422
    assert "policy.grant.currency 'USD' is not the project's currency 'EUR'" in r.text
    r = await api.post("/projects", headers=ADMIN, json={
        **project_json(code="BAD2"), "policy": {"grant": {"per_adult": "many"}},
    })
    assert r.status_code == 422
    assert ["body", "policy", "grant", "per_adult"] == r.json()["detail"][0]["loc"]


async def test_an_unlimited_project_reports_its_budget_as_not_limited(
    api: httpx.AsyncClient,
) -> None:
    default = (await api.get("/projects")).json()["data"][0]
    r = await api.get(f"/projects/{default['id']}/budget")
    assert r.json()["limited"] is False and r.json()["consumed"] == "0.00"
    assert (await api.get("/projects/nope/budget")).status_code == 404


async def test_an_approved_grant_holds_its_budget_until_paid_or_the_case_closes(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    project = await create_project(api, code="TWO", total_budget="1000.00", policy=POLICY)
    first = await case_after_consent(api, project_id=project["id"])
    second = await case_after_consent(api, project_id=project["id"])
    decision = {"approve": True, "reason": "per policy"}
    for case_id in (first, second):
        assert (await api.post(f"/cases/{case_id}/grant/proposal")).status_code == 200
    r = await api.post(f"/cases/{first}/grant/decision", json=decision, headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    budget = (await api.get(f"/projects/{project['id']}/budget")).json()
    assert (budget["consumed"], budget["committed"], budget["remaining"]) == (
        "0.00", "650.00", "350.00",
    )
    # Nothing is paid yet, but the first grant's 650 are spoken for.
    r = await api.post(f"/cases/{second}/grant/decision", json=decision, headers=SUPERVISOR)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "over budget: project TWO has a total budget of 1000.00 EUR, 0.00 EUR consumed, "
        "650.00 EUR committed and 350.00 EUR remaining; this cash grant requests 650.00 EUR"
    )
    assert r.json()["code"] == "over_budget_committed"

    # The first case closes before departure: its grant is released, and so is its budget.
    r = await api.post(f"/cases/{first}/closure/proposal",
                       json={"reason": "withdrawn", "note": "decided to stay"})
    assert r.status_code == 200, r.text
    r = await api.post(f"/cases/{first}/closure/decision", json={"approve": True,
                       "reason": "agreed"}, headers=bearer("supervisor2"))
    assert r.status_code == 200, r.text
    for _ in range(100):  # the projection writes the closure
        with Session(engine) as session:
            case = session.get(Case, first)
            assert case is not None
            if case.status == CaseStatus.CLOSED:
                break
        await asyncio.sleep(0.05)
    r = await api.post(f"/cases/{second}/grant/decision", json=decision, headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    budget = (await api.get(f"/projects/{project['id']}/budget")).json()
    assert (budget["committed"], budget["remaining"]) == ("650.00", "350.00")
    assert budget["by_category"]["cash_grant"]["committed"] == "650.00"
