"""The partner chosen before departure over the API: the options, the needs assessment the
chosen partner reads, its answer (a decline needs a reason), the decline in the supervisors'
stuck list, and the caseworker's next choice."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from api.case_service import with_sla_overrides
from core.settings import Settings
from models.enums import Role, Stage
from models.partners import Partner
from models.payloads import CaseState, Consent, Traveller
from models.policy import CasePolicy
from models.reintegration import PartnerChoice
from models.tables import Case
from models.users import User
from tests.factories import insert_case, workflow_input
from tests.tokens import bearer
from workflows.return_case import ReturnCaseWorkflow, workflow_id

CASEWORKER, SUPERVISOR = bearer("caseworker"), bearer("supervisor")
PARTNER, OTHER_PARTNER = bearer("partner"), bearer("partner-ge2", Role.PARTNER)


async def projected(engine: Engine, case_id: str, partner_id: str | None) -> None:
    for _ in range(200):
        with Session(engine) as session:
            row = session.get(Case, case_id)
            if row is not None and row.projected_version > 0 and row.partner_id == partner_id:
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the case was never projected with partner {partner_id}")


async def test_the_chosen_partner_reads_the_needs_declines_with_a_reason_and_is_replaced(
    api: httpx.AsyncClient, dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="GE partner", country="GE",
                            regions="Tbilisi", contact_email="ops@ge.example"))
        session.add(Partner(id="GE-2", organisation="GE partner 2", country="GE",
                            contact_email="ops@ge2.example"))
        session.add(Partner(id="AM-partner", organisation="AM partner", country="AM",
                            contact_email="ops@am.example"))
        session.add(User(id="partner-ge2", username="partner-ge2", full_name="G",
                         password_hash="x", role=Role.PARTNER, partner_org="GE-2"))
        session.commit()
    case = insert_case(engine)
    now, base = datetime.now(UTC), workflow_input(case)
    state = CaseState(
        case_id=case.id, reference=case.reference, country_of_origin="GE",
        legal_situation=base.legal_situation, location_type=base.location_type,
        household=[Traveller(member_id="m1", relationship="principal", sex="male",
                             is_minor=False, nationality="GE")],
        stage=Stage.TRAVEL_DOCUMENTS, unprojected=True, version=1, updated_at=now,
        consent=Consent(declaration_signed_on=date.today(), share_with_authorities=True,
                        share_with_partner=True, witnessed_by="x", recorded_by="caseworker"),
        # Chosen at counselling and already offered (the timers' work, tested elsewhere).
        partner=PartnerChoice(partner_id="GE-partner", region="Tbilisi", chosen_by="caseworker",
                              chosen_at=now, offered_at=now, answer_due=now + timedelta(days=7)),
    )
    await dev_env.client.start_workflow(
        ReturnCaseWorkflow.run, base.model_copy(update={"state": state}),
        id=workflow_id(case.id), task_queue=settings.temporal_task_queue,
    )
    await projected(engine, case.id, "GE-partner")

    options = (await api.get(f"/cases/{case.id}/partner-options", headers=CASEWORKER)).json()
    assert [o["id"] for o in options] == ["GE-2", "GE-partner"]
    r = await api.get(f"/cases/{case.id}/partner-options?region=Kutaisi", headers=CASEWORKER)
    assert [o["id"] for o in r.json()] == ["GE-2"]  # GE-partner covers Tbilisi only

    r = await api.put(f"/cases/{case.id}/needs-assessment", headers=CASEWORKER, json={
        "wants_to_do": "repair cars", "skills": "mechanic", "health": "asthma", "housing": "none"})
    assert r.status_code == 200, r.text
    r = await api.get(f"/cases/{case.id}/needs-assessment", headers=PARTNER)
    assert r.status_code == 200 and r.json()["skills"] == "mechanic"
    assert (await api.get(f"/cases/{case.id}/needs-assessment",
                          headers=OTHER_PARTNER)).status_code == 404
    mine = (await api.get("/partner/cases", headers=PARTNER)).json()
    assert [c["case_id"] for c in mine] == [case.id]

    r = await api.post(f"/cases/{case.id}/partner/answer", headers=PARTNER,
                       json={"accept": False})
    assert r.status_code == 422 and "says why" in r.text
    r = await api.post(f"/cases/{case.id}/partner/answer", headers=OTHER_PARTNER,
                       json={"accept": True})
    assert r.status_code == 404  # not proposed to it: the case does not exist for it
    r = await api.post(f"/cases/{case.id}/partner/answer", headers=PARTNER,
                       json={"accept": False, "reason": "no caseworker for Tbilisi in May"})
    assert r.status_code == 200, r.text

    await projected(engine, case.id, None)  # declined: it no longer sees the case
    assert (await api.get(f"/cases/{case.id}/needs-assessment", headers=PARTNER)).status_code == 404
    stuck = (await api.get("/supervision/stuck", headers=SUPERVISOR)).json()["data"]
    [row] = [c for c in stuck if c["case_id"] == case.id]
    assert any("GE-partner declined the case: no caseworker for Tbilisi in May" in r["detail"]
               for r in row["reasons"])

    r = await api.post(f"/cases/{case.id}/partner", headers=CASEWORKER,
                       json={"partner_id": "AM-partner"})
    assert r.status_code == 409 and "not an active partner serving GE" in r.text
    assert r.json()["code"] == "partner_not_serving"  # with the partners that do serve it
    r = await api.post(f"/cases/{case.id}/partner", headers=CASEWORKER,
                       json={"partner_id": "GE-2"})
    assert r.status_code == 200, r.text
    await projected(engine, case.id, "GE-2")


def test_the_installation_sets_the_partner_timing_of_new_cases() -> None:
    policy = with_sla_overrides(CasePolicy(), Settings(
        _env_file=None, partner_answer_days=10, pre_arrival_days=5))  # type: ignore[call-arg]
    assert (policy.partners.answer_days, policy.partners.pre_arrival_days) == (10, 5)
    default = with_sla_overrides(CasePolicy(), Settings(_env_file=None))  # type: ignore[call-arg]
    assert (default.partners.answer_days, default.partners.pre_arrival_days) == (7, 3)
