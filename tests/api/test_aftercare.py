"""After departure through the API: partner isolation, arrival, plan caps, four-eyes closure."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from api.report_facts import backfill
from core.settings import Settings
from models.enums import Role, Stage
from models.partners import Partner
from models.payloads import CaseState, Consent, Traveller
from models.reintegration import Arrival, Handover
from models.report_data import MonitoringScoreRow, PlanComponentRow
from models.tables import Case
from models.users import User
from tests.factories import insert_case, workflow_input
from tests.tokens import bearer
from workflows.return_case import ReturnCaseWorkflow, workflow_id

CASEWORKER, SUPERVISOR, SUPERVISOR2 = bearer("caseworker"), bearer("supervisor"), bearer("supervisor2")
PARTNER, OTHER_PARTNER = bearer("partner"), bearer("partner-am", Role.PARTNER)


async def case_awaiting_arrival(
    env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> str:
    """A case that departed yesterday and was handed over to GE-partner (the demo partner)."""
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="GE partner", country="GE",
                            contact_email="ops@ge.example"))
        session.add(Partner(id="AM-partner", organisation="AM partner", country="AM",
                            contact_email="ops@am.example"))
        session.add(User(id="partner-am", username="partner-am", full_name="A", password_hash="x",
                         role=Role.PARTNER, partner_org="AM-partner"))
        session.commit()
    case = insert_case(engine)
    yesterday = date.today() - timedelta(days=1)
    base = workflow_input(case)
    state = CaseState(
        case_id=case.id, reference=case.reference, country_of_origin="GE",
        legal_situation=base.legal_situation, location_type=base.location_type,
        household=[Traveller(member_id="m1", relationship="principal", sex="male",
                             is_minor=False, nationality="GE")],
        stage=Stage.ARRIVAL, departed_on=yesterday, unprojected=True, version=1,
        updated_at=datetime.now(UTC),
        consent=Consent(declaration_signed_on=yesterday, share_with_authorities=True,
                        share_with_partner=True, witnessed_by="x", recorded_by="caseworker"),
        handover=Handover(partner_id="GE-partner", handed_over_at=datetime.now(UTC),
                          partner_ref="RIP-1"),
        arrival=Arrival(expected_by=datetime.now(UTC) + timedelta(days=1),
                        escalate_at=datetime.now(UTC) + timedelta(days=4)),
        awaiting="the partner's confirmation of the arrival",
    )
    await env.client.start_workflow(
        ReturnCaseWorkflow.run, base.model_copy(update={"state": state}),
        id=workflow_id(case.id), task_queue=settings.temporal_task_queue,
    )
    for _ in range(100):  # the first run projects the carried state (partner id included)
        with Session(engine) as session:
            row = session.get(Case, case.id)
            if row is not None and row.partner_id == "GE-partner":
                return case.id
        await asyncio.sleep(0.05)
    raise AssertionError("the case was never projected")


async def test_partners_see_and_act_only_on_cases_handed_over_to_them(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    case_id = await case_awaiting_arrival(dev_env, settings, engine)
    mine = (await api.get("/partner/cases", headers=PARTNER)).json()
    assert [c["case_id"] for c in mine] == [case_id]
    assert (await api.get("/partner/cases", headers=OTHER_PARTNER)).json() == []
    # The other organisation's partner cannot read or act on it: to them it does not exist.
    r = await api.get(f"/cases/{case_id}/reintegration", headers=OTHER_PARTNER)
    assert r.status_code == 404
    r = await api.post(f"/cases/{case_id}/arrival", json={"arrived_on": str(date.today())},
                       headers=OTHER_PARTNER)
    assert r.status_code == 404
    # No partner reads the full case or its household.
    assert (await api.get(f"/cases/{case_id}", headers=PARTNER)).status_code == 403
    assert (await api.get(f"/cases/{case_id}/household", headers=PARTNER)).status_code == 403

    r = await api.post(f"/cases/{case_id}/arrival", json={"arrived_on": str(date.today())},
                       headers=PARTNER)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["stage"] == "reintegration" and view["arrival"]["confirmed_on"] == str(date.today())
    assert "legal_situation" not in view and "eligibility" not in view
    assert "counselling_sessions" not in view

    # Bad input names the field; a plan over the cap is refused with the cap.
    r = await api.post(f"/cases/{case_id}/reintegration-plan", headers=PARTNER,
                       json={"components": [{"kind": "housing", "budget": "10"}]})
    assert r.status_code == 422 and "description" in r.text
    r = await api.post(f"/cases/{case_id}/reintegration-plan", headers=PARTNER, json={
        "components": [{"kind": "business_start_up", "description": "shop", "budget": "2500.00"}]})
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "the plan's total 2500.00 EUR is over the reintegration cap of 2000.00 EUR "
        "(1 adult(s) x 2000.00 + 0 minor(s) x 1000.00 EUR)"
    )
    r = await api.post(f"/cases/{case_id}/reintegration-plan", headers=PARTNER, json={
        "components": [{"kind": "business_start_up", "description": "shop", "budget": "1800.00"},
                       {"kind": "counselling", "description": "sessions", "budget": "200.00",
                        "level": "community", "other_beneficiaries": 12}]})
    assert r.status_code == 200, r.text
    assert [c["level"] for c in r.json()["plan"]["components"]] == ["individual", "community"]
    r = await api.post(f"/cases/{case_id}/reintegration-plan/decision", headers=PARTNER,
                       json={"approve": True, "reason": "mine"})
    assert r.status_code == 403
    r = await api.post(f"/cases/{case_id}/reintegration-plan/decision", headers=SUPERVISOR,
                       json={"approve": True, "reason": "realistic"})
    assert r.status_code == 200 and r.json()["stage"] == "monitoring"
    assert [v["number"] for v in r.json()["monitoring"]["visits"]] == [1, 2, 3]
    r = await api.post(f"/cases/{case_id}/reintegration-plan/deliveries", headers=PARTNER, json={
        "component_id": "c2", "delivered_on": str(date.today()), "actual_cost": "180.00",
        "evidence_ref": "ATT-3"})
    assert r.status_code == 200
    assert (r.json()["planned_total"], r.json()["delivered_total"]) == ("2000.00", "180.00")
    r = await api.post(f"/cases/{case_id}/monitoring/reports", headers=PARTNER, json={
        "held_on": str(date.today()), "indicators": {k: 4 for k in (
            "income_sufficiency", "work_stability", "debt_manageable", "housing",
            "services_access", "civil_documents", "wellbeing", "safety", "support_network")}})
    assert r.status_code == 200, r.text
    # What reports count of the plan and the visit, written by the case's projection: for
    # this decision, which calls no activity, by the run loop a moment after the answer.
    def scored() -> list[MonitoringScoreRow]:
        with Session(engine) as session:
            return list(session.exec(select(MonitoringScoreRow).where(
                MonitoringScoreRow.case_id == case_id)).all())

    for _ in range(100):
        if scores := scored():
            break
        await asyncio.sleep(0.1)
    with Session(engine) as session:
        rows = {c.component_id: c for c in session.exec(select(PlanComponentRow).where(
            PlanComponentRow.case_id == case_id)).all()}
    assert {k: (c.level, c.other_beneficiaries, c.approved, c.delivered_on, c.actual_cost)
            for k, c in rows.items()} == {
        "c1": ("individual", 0, True, None, None),
        "c2": ("community", 12, True, date.today(), Decimal("180.00"))}
    assert [(v.number, v.months_after_arrival, v.overall) for v in scores] == [
        (1, 3, Decimal("1.00"))]
    # Cases decided before the rows existed get them from their workflow's state.
    with Session(engine) as session:
        for table in (PlanComponentRow, MonitoringScoreRow):
            session.execute(sa.delete(table))
        session.commit()
    assert await backfill(dev_env.client, engine) == (1, 0)
    with Session(engine) as session:
        assert len(session.exec(select(PlanComponentRow)).all()) == 2
        assert len(session.exec(select(MonitoringScoreRow)).all()) == 1

    # Closure: proposed, then approved by a different supervisor; then nothing more.
    r = await api.post(f"/cases/{case_id}/closure/proposal", headers=SUPERVISOR,
                       json={"reason": "completed", "note": "done"})
    assert r.status_code == 409 and "only after monitoring has ended" in r.json()["detail"]
    r = await api.post(f"/cases/{case_id}/closure/proposal", headers=SUPERVISOR,
                       json={"reason": "lost_contact", "note": "no answer for 3 months"})
    assert r.status_code == 200
    r = await api.post(f"/cases/{case_id}/closure/decision", headers=SUPERVISOR,
                       json={"approve": True, "reason": "ok"})
    assert r.status_code == 409 and "four eyes" in r.json()["detail"]
    r = await api.post(f"/cases/{case_id}/closure/decision", headers=SUPERVISOR2,
                       json={"approve": True, "reason": "agreed"})
    assert r.status_code == 200 and r.json()["stage"] == "closed"
    assert r.json()["closure_reason"] == "lost_contact"
    r = await api.post(f"/cases/{case_id}/monitoring/reports", headers=PARTNER,
                       json={"held_on": str(date.today()), "indicators": {}})
    assert r.status_code == 409
    # Closed, but readable.
    r = await api.get(f"/cases/{case_id}/reintegration", headers=CASEWORKER)
    assert r.status_code == 200 and r.json()["status"] == "closed"


async def test_admins_manage_partners_and_the_secret_is_never_shown(
    api: httpx.AsyncClient,
) -> None:
    admin = bearer("admin")
    r = await api.post("/partners", headers=admin, json={
        "id": "UA-partner", "organisation": "UA", "country": "UA",
        "contact_email": "ops@ua.example", "webhook_url": "https://ua.example/hook"})
    assert r.status_code == 422 and "webhook_secret" in r.text
    r = await api.post("/partners", headers=admin, json={
        "id": "UA-partner", "organisation": "UA", "country": "ua",
        "contact_email": "ops@ua.example"})
    assert r.status_code == 422 and "country" in r.text
    r = await api.post("/partners", headers=admin, json={
        "id": "UA-partner", "organisation": "UA", "country": "UA",
        "contact_email": "ops@ua.example", "webhook_url": "https://ua.example/hook",
        "webhook_secret": "s" * 32})
    assert r.status_code == 201, r.text
    assert r.json()["has_webhook_secret"] is True and "webhook_secret" not in r.json()
    r = await api.post("/partners", headers=admin, json={
        "id": "UA-partner", "organisation": "UA", "country": "UA", "contact_email": "a@b.c"})
    assert r.status_code == 409
    r = await api.patch("/partners/UA-partner", headers=admin, json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    listed = (await api.get("/partners", headers=CASEWORKER)).json()
    assert [(p["id"], p["active"]) for p in listed] == [("UA-partner", False)]
