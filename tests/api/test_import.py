"""Import of existing cases from CSV: row-by-row refusals, nothing twice, reports count them."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from models.costs import Cost
from models.enums import Relationship, Sex, Stage
from models.tables import Case, HouseholdMember
from tests.api.test_projects import create_project
from tests.factories import insert_case
from tests.tokens import bearer

EXAMPLE = Path(__file__).parents[2] / "docs" / "import_example.csv"  # the README's example
SUPERVISOR = bearer("supervisor")


async def add_ge_partner(api: httpx.AsyncClient) -> None:
    r = await api.post("/partners", headers=bearer("admin"), json={
        "id": "GE-partner", "organisation": "GE partner", "country": "GE",
        "contact_email": "ops@ge.example"})
    assert r.status_code == 201, r.text


async def upload(api: httpx.AsyncClient, project_id: str, content: bytes,
                 headers: dict[str, str] = SUPERVISOR) -> httpx.Response:
    return await api.post(f"/projects/{project_id}/import", headers=headers,
                          files={"file": ("cases.csv", content, "text/csv")})


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (session.exec(select(func.count()).select_from(Case)).one(),
                session.exec(select(func.count()).select_from(HouseholdMember)).one(),
                session.exec(select(func.count()).select_from(Cost)).one())


async def test_import_refuses_bad_cases_whole_and_imports_nothing_twice(
    api: httpx.AsyncClient, engine: Engine, dev_env: WorkflowEnvironment
) -> None:
    project = await create_project(api, code="IMP", period_start="2026-01-01",
                                   period_end="2026-12-31", eu_share_percent="75",
                                   national_share_percent="25")
    await add_ge_partner(api)
    before = counts(engine)
    r = await upload(api, project["id"], EXAMPLE.read_bytes())
    assert r.status_code == 200, r.text
    report = r.json()
    imported = {c["external_ref"]: c for c in report["imported"]}
    assert set(imported) == {"OLD-001", "OLD-002", "OLD-003", "OLD-004", "OLD-007"}
    assert [(c["line"], c["closed"], c["stage"]) for c in report["imported"]] == [
        (2, True, "closed"), (4, True, "closed"), (5, False, "travel_documents"),
        (6, False, "reintegration"), (11, False, "monitoring"),
    ]
    refused = {c["external_ref"]: c for c in report["refused"]}
    assert refused["OLD-005"]["lines"] == [7]
    assert refused["OLD-005"]["reasons"] == [
        ("line 7: date_of_birth: Input should be a valid date or datetime, month value is "
         "outside expected range of 1-12"),
        "line 7: departure_date 2026-02-01 is before intake_date 2026-03-01",
    ]
    # A bad dependant refuses the whole household: its good principal line is not imported.
    assert refused["OLD-006"]["lines"] == [8, 9]
    assert refused["OLD-006"]["reasons"] == [
        "line 9: sex: Input should be 'female', 'male' or 'other'",
    ]
    # In reintegration, so handed over: but no partner serves Armenia.
    assert refused["OLD-008"]["reasons"] == [
        ("line 12: stage: a case in reintegration was handed over to a partner, but no active "
         "reintegration partner serves AM; register it under /partners first")
    ]
    assert refused[None]["lines"] == [10]
    assert refused[None]["reasons"] == ["line 10: external_ref: required (it identifies the case)"]
    cases, people, costs = counts(engine)
    assert (cases - before[0], people - before[1], costs - before[2]) == (5, 6, 8)

    with Session(engine) as session:
        by_ref = {c.external_ref: c for c in session.exec(
            select(Case).where(col(Case.external_ref).is_not(None))).all()}
    old1 = by_ref["OLD-001"]
    assert (old1.created_at.date(), old1.departure_date, old1.arrival_date,
            old1.reintegration_date, old1.closed_date, old1.closure_reason) == (
        date(2026, 1, 10), date(2026, 3, 5), date(2026, 3, 6), date(2026, 5, 10),
        date(2026, 9, 30), "completed",
    )
    assert by_ref["OLD-002"].closure_reason == "withdrawn"
    r = await api.get(f"/cases/{old1.id}/costs")
    assert [(c["category"], c["amount"], c["incurred_on"]) for c in r.json()["data"]] == [
        ("ticket", "820.40", "2026-03-05"), ("cash_grant", "600.00", "2026-03-05"),
        ("document_fee", "90.00", "2026-03-05"), ("post_arrival", "80.00", "2026-03-06"),
        ("reintegration", "1500.00", "2026-05-10"),
    ]

    # History runs no workflow; an ongoing case runs its workflow from its stage.
    with pytest.raises(RPCError):
        await dev_env.client.get_workflow_handle(f"case-{old1.id}").describe()
    ongoing = by_ref["OLD-003"]
    live = (await api.get(f"/cases/{ongoing.id}")).json()["live"]
    assert live["stage"] == "travel_documents"
    assert live["consent"]["declaration_signed_on"] == "2026-10-10"
    r = await api.post(f"/cases/{ongoing.id}/grant/proposal")  # it takes decisions at once
    assert r.status_code == 200, r.text
    assert r.json()["grant"]["amount"] == "300.00"
    # Arrived before the import: handed over to the country's partner, which goes on with it.
    old4 = by_ref["OLD-004"]
    assert old4.arrival_date == date(2026, 8, 2) and old4.partner_id == "GE-partner"
    view = (await api.get(f"/cases/{old4.id}/reintegration", headers=bearer("partner"))).json()
    assert (view["stage"], view["departed_on"], view["arrival"]["confirmed_on"]) == (
        "reintegration", "2026-08-01", "2026-08-02")
    assert view["awaiting"] == "a reintegration plan proposal"
    r = await api.post(f"/cases/{old4.id}/reintegration-plan", headers=bearer("partner"), json={
        "components": [{"kind": "training", "description": "welding course", "budget": "900"}]})
    assert r.status_code == 200, r.text
    # In monitoring: the plan counts as approved, only visits still ahead are scheduled
    # (3, 6 and 12 months after the arrival on 2026-04-02).
    view = (await api.get(f"/cases/{by_ref['OLD-007'].id}/reintegration")).json()
    ahead = [d for d in ("2026-07-02", "2026-10-02", "2027-04-02") if d >= str(date.today())]
    assert [v["due_on"] for v in view["monitoring"]["visits"]] == ahead
    assert view["stage"] == ("monitoring" if ahead else "closure")
    assert view["plan"]["status"] == "approved"

    # The same file again: nothing imported twice, the same refusals.
    r = await upload(api, project["id"], EXAMPLE.read_bytes(), headers=bearer("admin"))
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["imported"] == []
    assert {c["external_ref"]: c["case_id"] for c in again["already_imported"]} == {
        ref: c["case_id"] for ref, c in imported.items()
    }
    assert again["refused"] == report["refused"]
    assert counts(engine) == (cases, people, costs)
    live = (await api.get(f"/cases/{ongoing.id}")).json()["live"]
    assert live["grant"]["status"] == "proposed"  # the running workflow was kept


async def test_reports_count_imported_and_native_cases_alike(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    project = await create_project(api, code="MIX", period_start="2026-01-01",
                                   period_end="2026-12-31", eu_share_percent="75",
                                   national_share_percent="25")
    await add_ge_partner(api)
    r = await upload(api, project["id"], EXAMPLE.read_bytes())
    assert r.status_code == 200, r.text
    native = insert_case(engine, project_id=project["id"], country_of_origin="GE",
                         departure_date=date(2026, 4, 1), stage=Stage.DEPARTED)
    with Session(engine) as session:
        session.add(HouseholdMember(
            id=str(uuid.uuid4()), case_id=native.id, position=0,
            relationship=Relationship.PRINCIPAL, given_name="N", family_name="N",
            date_of_birth=date(1980, 1, 1), sex=Sex.FEMALE, nationality="GE",
        ))
        session.add(Cost(key="native:ticket", case_id=native.id, project_id=project["id"],
                         category="ticket", amount="399.60", currency="EUR",
                         incurred_on=date(2026, 3, 20), description="native"))
        session.commit()
    r = await api.get(f"/projects/{project['id']}/report",
                      params={"start": "2026-01-01", "end": "2026-12-31"}, headers=SUPERVISOR)
    report: dict[str, Any] = r.json()
    # Independently: OLD-001 (2 people), OLD-004 (1) and OLD-007 (1) left, and the native
    # case (1).
    assert report["persons_returned"] == 5
    assert report["persons_returned_by_country_of_origin"] == {"GE": 5}
    assert report["persons_reintegrated"] == 3  # OLD-001's household and OLD-007
    assert (report["cases_closed_by_reason"]["completed"],
            report["cases_closed_by_reason"]["withdrawn"]) == (1, 1)
    assert report["spending_by_category"]["ticket"]["total"] == "1630.00"  # 820.40+410+399.60
    assert report["spending_total"] == {
        # 820.40 + 90 + 600 + 80 + 1500 + 45 + 410 + 300 + 399.60
        "total": "4245.00",
        # per category, 75 % rounded half up: ticket 1222.50, fees 101.25, grants 675.00,
        # post-arrival 60.00, reintegration 1125.00
        "eu_share": "3183.75", "national_share": "1061.25",
    }
    # As of the day before OLD-004 left: OLD-001, OLD-007 and the native case had departed.
    r = await api.get(f"/projects/{project['id']}/report", params={"as_of": "2026-07-31"},
                      headers=SUPERVISOR)
    assert r.json()["persons_returned"] == 4
    assert r.json()["cases_closed"] == 1  # the withdrawal; OLD-001 closed in September


async def test_a_file_that_cannot_be_read_is_refused_whole(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    project = await create_project(api, code="BADFILE")
    before = counts(engine)
    r = await upload(api, project["id"], b"external_ref,given_name,colour\nX,Y,blue\n")
    assert r.status_code == 422
    msg = r.json()["detail"][0]["msg"]
    assert msg.startswith("missing columns: relationship, family_name")
    assert msg.endswith("unknown columns: colour")
    r = await upload(api, project["id"], "external_ref\n\xff".encode("latin-1"))
    assert r.status_code == 422 and "not UTF-8" in r.json()["detail"][0]["msg"]
    r = await upload(api, project["id"], b"")
    assert r.status_code == 422
    r = await upload(api, project["id"], EXAMPLE.read_bytes(), headers=bearer("caseworker"))
    assert r.status_code == 403
    assert counts(engine) == before
    assert (await upload(api, "nope", EXAMPLE.read_bytes())).status_code == 404


async def test_costs_in_another_currency_than_the_projects_are_refused(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    project = await create_project(api, code="CUR", period_start="2026-01-01",
                                   period_end="2026-12-31")
    assert project["currency"] == "EUR"
    header = ("external_ref,relationship,given_name,family_name,date_of_birth,sex,nationality,"
              "country_of_origin,legal_situation,location_type,intake_date,departure_date,"
              "closure_date,cost_ticket,cost_currency\n")

    def line(ref: str, ticket: str, currency: str) -> str:
        return (f"{ref},principal,Oleh,Bondar,1979-11-30,male,UA,UA,irregular_stay,community,"
                f"2026-02-01,2026-03-01,2026-03-02,{ticket},{currency}\n")

    before = counts(engine)
    content = header + line("CUR-USD", "500.00", "USD") + line("CUR-EUR", "400.00", "EUR") + \
        line("CUR-NONE", "300.00", "") + line("CUR-BAD", "200.00", "euro")
    r = await upload(api, project["id"], content.encode())
    assert r.status_code == 200, r.text
    report = r.json()
    assert {c["external_ref"] for c in report["imported"]} == {"CUR-EUR", "CUR-NONE"}
    refused = {c["external_ref"]: c["reasons"] for c in report["refused"]}
    assert refused["CUR-USD"] == [(
        "line 2: cost_currency: the costs are in USD, but project CUR keeps its accounts in "
        "EUR; convert them to EUR first (Homeward does not convert currencies)")]
    assert refused["CUR-BAD"][0].startswith("line 5: cost_currency: String should match")
    # Only the two accepted cases and their costs, in the project's currency.
    assert counts(engine) == (before[0] + 2, before[1] + 2, before[2] + 2)
    with Session(engine) as session:
        costs = session.exec(select(Cost).where(col(Cost.project_id) == project["id"])).all()
    assert sorted((str(c.amount), c.currency) for c in costs) == [
        ("300.00", "EUR"), ("400.00", "EUR")]
    # The same case in a file of another project: already imported, and the report says where.
    other = await create_project(api, code="CUR2")
    r = await upload(api, other["id"], (header + line("CUR-EUR", "400.00", "EUR")).encode())
    assert r.status_code == 200, r.text
    [entry] = r.json()["already_imported"]
    assert (entry["external_ref"], entry["project_id"]) == ("CUR-EUR", project["id"])
    assert counts(engine) == (before[0] + 2, before[1] + 2, before[2] + 2)
