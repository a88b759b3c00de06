"""Eligibility with four eyes, informed consent, and withdrawal before anything was booked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from models.decisions import (
    CompleteIntakeInput,
    EligibilityDecisionInput,
    RecordConsentInput,
    RecordCounsellingInput,
    SubmitEligibilityInput,
    WithdrawInput,
)
from models.enums import CaseStatus, ClosureReason, Role, Stage
from models.payloads import Actor
from tests.factories import counselling
from tests.workflows.scenario import (
    CASEWORKER,
    SUPERVISOR,
    close_case,
    person,
    start_case,
    through_consent,
    today,
)
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

LONE_SUPERVISOR = Actor(id="sup-lone", role=Role.SUPERVISOR)


async def refused(coro: object) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await coro  # type: ignore[misc]
    return str(err.value.cause)


async def test_four_eyes_on_eligibility(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine):
        handle = await start_case(time_env, settings, engine, [person("m1")])
        await handle.execute_update(
            ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=counselling())
        )
        await handle.execute_update(ReturnCaseWorkflow.complete_intake, CompleteIntakeInput())
        await handle.execute_update(
            ReturnCaseWorkflow.submit_eligibility,
            SubmitEligibilityInput(actor=LONE_SUPERVISOR, eligible=True, notes="ok"),
        )
        same = EligibilityDecisionInput(actor=LONE_SUPERVISOR, approve=True, reason="ok")
        assert "same person cannot propose and approve" in await refused(
            handle.execute_update(ReturnCaseWorkflow.decide_eligibility, same)
        )
        not_supervisor = EligibilityDecisionInput(actor=CASEWORKER, approve=True, reason="ok")
        assert "role 'caseworker' may not" in await refused(
            handle.execute_update(ReturnCaseWorkflow.decide_eligibility, not_supervisor)
        )
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.stage == Stage.ELIGIBILITY
        assert state.eligibility is not None and state.eligibility.approved is None

        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_eligibility,
            EligibilityDecisionInput(actor=SUPERVISOR, approve=True, reason="criteria met"),
        )
        assert state.stage == Stage.CONSENT
        assert state.eligibility is not None and state.eligibility.decided_by == SUPERVISOR.id


async def test_sent_back_assessment_needs_a_new_one_and_not_eligible_closes(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine):
        handle = await start_case(time_env, settings, engine, [person("m1")])
        await handle.execute_update(
            ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=counselling())
        )
        await handle.execute_update(ReturnCaseWorkflow.complete_intake, CompleteIntakeInput())
        submit = SubmitEligibilityInput(
            actor=CASEWORKER, eligible=False, notes="has a pending appeal"
        )
        await handle.execute_update(ReturnCaseWorkflow.submit_eligibility, submit)
        assert "already waiting for approval" in await refused(
            handle.execute_update(ReturnCaseWorkflow.submit_eligibility, submit)
        )
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_eligibility,
            EligibilityDecisionInput(
                actor=SUPERVISOR, approve=False, reason="check the appeal date"
            ),
        )
        assert state.stage == Stage.ELIGIBILITY and state.awaiting is not None
        await handle.execute_update(ReturnCaseWorkflow.submit_eligibility, submit)
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_eligibility,
            EligibilityDecisionInput(actor=SUPERVISOR, approve=True, reason="appeal still pending"),
        )
        assert state.stage == Stage.CLOSED
        result = await handle.result()
        assert result.status == CaseStatus.CLOSED
        assert result.closure_reason == ClosureReason.NOT_ELIGIBLE


async def test_consent_must_cover_the_authorities_then_withdrawal_closes(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine):
        handle = await start_case(time_env, settings, engine, [person("m1")])
        from tests.workflows.scenario import through_eligibility

        await through_eligibility(handle)
        no_sharing = RecordConsentInput(
            actor=CASEWORKER,
            declaration_signed_on=await today(time_env),
            share_with_authorities=False,
            share_with_partner=True,
            witnessed_by="N. K.",
        )
        assert "consent to share data with the authorities" in await refused(
            handle.execute_update(ReturnCaseWorkflow.record_consent, no_sharing)
        )
        future = no_sharing.model_copy(
            update={"share_with_authorities": True, "declaration_signed_on": date(2999, 1, 1)}
        )
        assert "declaration_signed_on 2999-01-01 is in the future" in await refused(
            handle.execute_update(ReturnCaseWorkflow.record_consent, future)
        )
        assert "closing a case needs a supervisor's approval" in await refused(
            handle.execute_update(
                ReturnCaseWorkflow.withdraw,
                WithdrawInput(actor=CASEWORKER, reason=ClosureReason.ABSCONDED, note="left"),
            )
        )
        state = await close_case(handle, ClosureReason.ABSCONDED, "left the centre")
        assert state.stage == Stage.CLOSED
        result = await handle.result()
        assert result.closure_reason == ClosureReason.ABSCONDED
        assert result.closure_note == "left the centre"


async def test_consent_moves_a_household_without_vulnerabilities_to_documents(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine):
        handle = await start_case(time_env, settings, engine, [person("m1")])
        state = await through_consent(time_env, handle)
        assert state.stage == Stage.TRAVEL_DOCUMENTS
        assert state.consent is not None and state.consent.witnessed_by == "interpreter N. K."
        assert [c.stage for c in state.stage_history] == [
            Stage.INTAKE,
            Stage.ELIGIBILITY,
            Stage.CONSENT,
            Stage.TRAVEL_DOCUMENTS,
        ]
