"""An unaccompanied minor after return: the arrival schedules family tracing and
best-interests follow-ups (reminded like monitoring visits), the case waits for the record
of the child's handover, and it cannot be closed as completed without it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.partners import SimulatedPartners
from core.settings import Settings
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
    Stage,
    TaskKind,
    Vulnerability,
)
from models.schemas_aftercare import ComponentIn
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
from tests.workflows.test_aftercare import PARTNER, add_partners, refused, state_of, until
from worker import build_worker
from workflows.aftercare import add_months
from workflows.minors import HANDOVER_MISSING
from workflows.return_case import ReturnCaseWorkflow
from workflows.rules import STEPS_BY_FLAG


async def test_a_minor_is_followed_up_and_the_case_closes_completed_only_with_the_handover(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
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
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_minor_handover,
            MinorHandoverInput(actor=PARTNER, handover_id="rec-1", member_id="kid",
                               handed_over_on=arrived, to_kind="parent", identity_checked=True))
        assert state.minors.handovers == {"kid": "rec-1"}
        assert TaskKind.MINOR_HANDOVER not in state.task_since
        assert "recorded already" in await refused(
            handle, ReturnCaseWorkflow.record_minor_handover,
            MinorHandoverInput(actor=PARTNER, handover_id="rec-2", member_id="kid",
                               handed_over_on=arrived, to_kind="parent", identity_checked=True))
        state = await handle.execute_update(ReturnCaseWorkflow.propose_closure, completed)
        assert state.closure_proposal is not None
