"""Travel documents chased at the embassy, and clearance."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.embassy import SimulatedEmbassy
from core.settings import Settings
from models.decisions import (
    AssessDocumentsInput,
    ConfirmClearanceInput,
    DocumentDecisionInput,
    EmbassyAnswerInput,
)
from models.enums import ClearanceKind, DocumentChoice, DocumentStatus, LocationType, Role, Stage
from models.policy import CasePolicy, ChasingPolicy
from tests.workflows.scenario import (
    BORDER_GUARD,
    CASEWORKER,
    clients,
    person,
    start_case,
    through_consent,
    today,
)
from tests.workflows.update_refusal import refused
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def test_embassy_refusal_then_second_request_issued_with_reminders(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1")], location_type=LocationType.DETENTION_CENTRE
        )
        await through_consent(time_env, handle)
        state = await handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=90)),
        )
        docs = state.documents
        assert docs.status == DocumentStatus.REQUESTED and docs.member_ids == ["m1"]
        first_ref = docs.request_ref
        assert first_ref is not None

        await time_env.sleep(timedelta(days=15))  # reminders every 7 days
        outbox = sims.notifications.outbox  # type: ignore[attr-defined]
        assert [m.subject.split(": ")[1] for m in outbox] == ["chase the embassy"] * 2
        assert (await handle.query(ReturnCaseWorkflow.state)).documents.reminders_sent == 2
        # ... and the embassy itself, each reminder once (e-mailed in the email mode).
        assert sims.embassy.chased == [(first_ref, 1), (first_ref, 2)]  # type: ignore[attr-defined]

        decision = DocumentDecisionInput(
            actor=CASEWORKER, choice=DocumentChoice.REQUEST_AGAIN, reason="x"
        )
        assert "not refused or past its deadline" in await refused(
            handle.execute_update(ReturnCaseWorkflow.decide_travel_documents, decision)
        )
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_embassy_answer,
            EmbassyAnswerInput(
                actor=CASEWORKER, request_ref=first_ref, issued=False, reason="no proof of identity"
            ),
        )
        assert state.documents.status == DocumentStatus.REFUSED
        assert state.awaiting and "request again, escalate or close" in state.awaiting

        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_travel_documents,
            decision.model_copy(update={"reason": "birth certificate obtained"}),
        )
        assert state.documents.status == DocumentStatus.REQUESTED
        assert state.documents.attempts == 2 and state.documents.request_ref != first_ref
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_embassy_answer,
            EmbassyAnswerInput(
                actor=CASEWORKER,
                request_ref=state.documents.request_ref or "",
                issued=True,
                valid_until=day + timedelta(days=120),
            ),
        )
        assert state.documents.status == DocumentStatus.ISSUED
        assert state.stage == Stage.CLEARANCE
        embassy: SimulatedEmbassy = sims.embassy  # type: ignore[assignment]
        assert len(embassy.requests) == 2

        # In detention both exit clearance and release are needed before travel.
        state = await handle.execute_update(
            ReturnCaseWorkflow.confirm_clearance,
            ConfirmClearanceInput(
                actor=BORDER_GUARD,
                kind=ClearanceKind.EXIT_CLEARANCE,
                confirmed_on=await today(time_env),
                reference="BG-7",
            ),
        )
        assert state.stage == Stage.CLEARANCE
        state = await handle.execute_update(
            ReturnCaseWorkflow.confirm_clearance,
            ConfirmClearanceInput(
                actor=BORDER_GUARD,
                kind=ClearanceKind.RELEASE_FROM_DETENTION,
                confirmed_on=await today(time_env),
                reference="BG-8",
            ),
        )
        assert state.stage == Stage.TRAVEL


async def test_embassy_deadline_becomes_a_decision_and_close_withdraws_the_request(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    policy = CasePolicy(chasing=ChasingPolicy(reminder_every_days=3, deadline_days=10))
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(time_env, settings, engine, [person("m1")], policy=policy)
        await through_consent(time_env, handle)
        state = await handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=60)),
        )
        ref = state.documents.request_ref
        await time_env.sleep(timedelta(days=11))
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.documents.status == DocumentStatus.DEADLINE_REACHED
        assert state.documents.reminders_sent == 3
        subjects = [m.subject for m in sims.notifications.outbox]  # type: ignore[attr-defined]
        assert subjects[-1].endswith("embassy deadline reached")

        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_travel_documents,
            DocumentDecisionInput(
                actor=CASEWORKER, choice=DocumentChoice.CLOSE, reason="no answer"
            ),
        )
        assert state.stage == Stage.CLOSED
        assert state.documents.status == DocumentStatus.WITHDRAWN
        assert sims.embassy.withdrawn == [ref]  # type: ignore[attr-defined]


async def test_immediate_refusal_cannot_be_escalated_but_can_be_requested_again(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    embassy: SimulatedEmbassy = sims.embassy  # type: ignore[assignment]
    embassy.config.refusal_rate = 1.0
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(time_env, settings, engine, [person("m1")])
        await through_consent(time_env, handle)
        state = await handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=60)),
        )
        assert state.documents.status == DocumentStatus.REFUSED
        assert (
            state.documents.refusal_reason
            and "identity not established" in state.documents.refusal_reason
        )
        assert "nothing to escalate" in await refused(
            handle.execute_update(
                ReturnCaseWorkflow.decide_travel_documents,
                DocumentDecisionInput(actor=CASEWORKER, choice=DocumentChoice.ESCALATE, reason="x"),
            )
        )
        embassy.config.refusal_rate = 0.0
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_travel_documents,
            DocumentDecisionInput(
                actor=CASEWORKER, choice=DocumentChoice.REQUEST_AGAIN, reason="retry"
            ),
        )
        assert state.documents.status == DocumentStatus.REQUESTED


async def test_escalation_notifies_the_supervisor_and_restarts_the_chase(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    embassy: SimulatedEmbassy = sims.embassy  # type: ignore[assignment]
    embassy.config.fail_next_calls = 1  # an outage: retried with backoff, not a decision
    policy = CasePolicy(chasing=ChasingPolicy(reminder_every_days=5, deadline_days=5))
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(time_env, settings, engine, [person("m1")], policy=policy)
        await through_consent(time_env, handle)
        state = await handle.execute_update(
            ReturnCaseWorkflow.assess_travel_documents,
            AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=60)),
        )
        assert state.documents.status == DocumentStatus.REQUESTED
        assert embassy.calls == 2
        await time_env.sleep(timedelta(days=6))
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_travel_documents,
            DocumentDecisionInput(
                actor=CASEWORKER, choice=DocumentChoice.ESCALATE, reason="ask the consul directly"
            ),
        )
        assert state.documents.status == DocumentStatus.REQUESTED
        assert state.documents.escalations == 1
        outbox = sims.notifications.outbox  # type: ignore[attr-defined]
        assert outbox[-1].recipient_role == Role.SUPERVISOR
        assert outbox[-1].body == "ask the consul directly"
        await time_env.sleep(timedelta(days=6))
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.documents.status == DocumentStatus.DEADLINE_REACHED
