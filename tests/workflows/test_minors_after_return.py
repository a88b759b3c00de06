"""An unaccompanied minor after return: the arrival schedules family tracing and
best-interests follow-ups (reminded like monitoring visits), the case waits for the record
of the child's handover, and it cannot be closed as completed without it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.partners import SimulatedPartners
from api.main import create_app
from api.user_service import DEMO_PASSWORD
from core.settings import Settings
from models.consent import MinorHandover
from models.decisions import (
    ConfirmArrivalInput,
    EndMonitoringInput,
    MinorFollowUpInput,
    MinorHandoverInput,
    PlanDecisionInput,
    ProposeClosureInput,
    ProposePlanInput,
    RecordStepInput,
)
from models.enums import (
    ClosureReason,
    ComponentKind,
    MinorFollowUpKind,
    Relationship,
    Sex,
    Stage,
    TaskKind,
    Vulnerability,
)
from models.payloads import CaseState
from models.schemas_aftercare import ComponentIn
from models.tables import HouseholdMember
from models.users import User
from tests.ui.conftest import csrf_of
from tests.workflows.aftercare_steps import PARTNER, add_partners, refused, state_of, until
from tests.workflows.scenario import (
    CASEWORKER,
    SUPERVISOR,
    approve_grant,
    book,
    clients,
    depart,
    person,
    start_case,
    through_clearance,
    through_consent,
    today,
)
from worker import build_worker
from workflows.aftercare import add_months
from workflows.minors import HANDOVER_MISSING
from workflows.return_case import ReturnCaseWorkflow
from workflows.rules import STEPS_BY_FLAG


async def test_a_minor_is_followed_up_and_the_case_closes_completed_only_with_the_handover(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User],
) -> None:
    add_partners(engine)
    sims = clients()
    sims.partners = SimulatedPartners()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        child = person("kid", Relationship.PRINCIPAL, minor=True,
                       flags=[Vulnerability.UNACCOMPANIED_MINOR],
                       passport_until=day + timedelta(days=900))
        handle = await start_case(time_env, settings, engine, [child])
        await through_consent(time_env, handle)
        for kind in STEPS_BY_FLAG[Vulnerability.UNACCOMPANIED_MINOR]:
            await handle.execute_update(ReturnCaseWorkflow.record_vulnerability_step,
                                        RecordStepInput(actor=CASEWORKER, member_id="kid",
                                                        kind=kind, completed_on=day))
        await approve_grant(handle)
        await through_clearance(time_env, handle)
        await book(handle, day + timedelta(days=30))
        await depart(time_env, handle)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        arrived = state.departed_on
        assert arrived is not None
        state = await handle.execute_update(
            ReturnCaseWorkflow.confirm_arrival, ConfirmArrivalInput(actor=PARTNER, arrived_on=arrived))
        minors = state.minors
        assert minors.member_ids == ["kid"] and minors.handovers == {}
        assert [(f.kind, f.due_on) for f in minors.follow_ups][:2] == [
            (MinorFollowUpKind.FAMILY_TRACING, arrived + timedelta(days=14)),
            (MinorFollowUpKind.BEST_INTERESTS, add_months(arrived, 1))]
        assert len(minors.follow_ups) == 4  # tracing, then best interests at 1, 3, 6 months
        assert TaskKind.MINOR_HANDOVER in state.task_since
        assert "handover" in (state.awaiting or "")

        # A week before the tracing is due, the partner and the caseworker are reminded.
        await time_env.sleep(timedelta(days=8))
        state = await until(handle, lambda s: s.minors.follow_ups[0].reminded)
        state = await handle.execute_update(
            ReturnCaseWorkflow.report_minor_follow_up,
            MinorFollowUpInput(actor=PARTNER, member_id="kid",
                               kind=MinorFollowUpKind.FAMILY_TRACING, done_on=await today(time_env)))
        assert state.minors.follow_ups[0].done_on is not None
        assert "no family tracing follow-up is open" in await refused(
            handle, ReturnCaseWorkflow.report_minor_follow_up,
            MinorFollowUpInput(actor=PARTNER, member_id="kid",
                               kind=MinorFollowUpKind.FAMILY_TRACING, done_on=await today(time_env)))

        await handle.execute_update(ReturnCaseWorkflow.propose_plan, ProposePlanInput(
            actor=PARTNER, components=[ComponentIn(kind=ComponentKind.COUNSELLING,
                                                   description="sessions", budget=300)]))
        await handle.execute_update(ReturnCaseWorkflow.decide_plan, PlanDecisionInput(
            actor=SUPERVISOR, approve=True, reason="fine"))
        await handle.execute_update(ReturnCaseWorkflow.end_monitoring, EndMonitoringInput(
            actor=SUPERVISOR, reason="back with her mother, school started"))
        assert (await state_of(handle)).stage == Stage.CLOSURE

        completed = ProposeClosureInput(actor=CASEWORKER, reason=ClosureReason.COMPLETED,
                                        note="settled")
        assert HANDOVER_MISSING in await refused(handle, ReturnCaseWorkflow.propose_closure,
                                                 completed)
        state = await handover_through_the_web_form(time_env, settings, engine, handle.id,
                                                    arrived)
        [record] = state.minors.handovers.values()
        assert list(state.minors.handovers) == ["kid"]
        with Session(engine) as session:
            kept = session.exec(select(MinorHandover)).one()
        assert (kept.id, kept.to_name, kept.identity_checked) == (record, "Tamar Beridze", True)
        assert TaskKind.MINOR_HANDOVER not in state.task_since
        assert "recorded already" in await refused(
            handle, ReturnCaseWorkflow.record_minor_handover,
            MinorHandoverInput(actor=PARTNER, handover_id="rec-2", member_id="kid",
                               handed_over_on=arrived, to_kind="parent", identity_checked=True))
        state = await handle.execute_update(ReturnCaseWorkflow.propose_closure, completed)
        assert state.closure_proposal is not None


async def handover_through_the_web_form(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, workflow_id: str,
    arrived: date,
) -> CaseState:
    """The caseworker records the child's handover on the case page's form: the record is
    kept in the database, the workflow gets its facts."""
    case_id = workflow_id.removeprefix("case-")
    with Session(engine) as session:  # the child as intake would have stored her
        session.add(HouseholdMember(
            id="kid", case_id=case_id, relationship=Relationship.PRINCIPAL, given_name="Nino",
            family_name="Beridze", date_of_birth=arrived - timedelta(days=15 * 365),
            sex=Sex.FEMALE, nationality="GE",
            vulnerabilities=[Vulnerability.UNACCOMPANIED_MINOR.value]))
        session.commit()
    app = create_app(settings)
    app.state.engine, app.state.temporal = engine, time_env.client
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://homeward.test") as web:
        login = await web.get("/ui/login")
        r = await web.post("/ui/login", data={"username": "supervisor", "password": DEMO_PASSWORD,
                                              "next": "/ui", "csrf_token": csrf_of(login.text)})
        assert r.status_code == 303
        page = await web.get(f"/ui/cases/{case_id}")
        assert 'data-testid="minor-handover-missing"' in page.text
        form = re.search(r'<form[^>]*data-testid="minor-handover-form".*?</form>', page.text,
                         re.DOTALL)
        assert form and '<option value="kid">Nino Beridze</option>' in form.group(0)
        fields = {"csrf_token": csrf_of(page.text), "member_id": "kid",
                  "handed_over_on": arrived.isoformat(), "to_kind": "parent",
                  "to_name": "Tamar Beridze", "relationship": "mother",
                  "identity_checked": "yes", "identity_check": "ID card", "document_id": ""}
        r = await web.post(f"/ui/cases/{case_id}/minors/handover", data=fields)
        assert r.status_code == 303, r.text
        page = await web.get(r.headers["location"])
        assert "Nino Beridze handed over on" in page.text and "Tamar Beridze" in page.text
        assert 'data-testid="minor-handover-missing"' not in page.text
    return await state_of(time_env.client.get_workflow_handle(workflow_id))
