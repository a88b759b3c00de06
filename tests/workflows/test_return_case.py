"""ReturnCaseWorkflow on the time-skipping server: decisions, validators, projection."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import (
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from models.decisions import CompleteIntakeInput, RecordCounsellingInput
from models.enums import Stage
from models.tables import Case
from models.timeline import TimelineEntry
from tests.factories import counselling, insert_case, workflow_input
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow, workflow_id


async def start(env: WorkflowEnvironment, settings: Settings, case: Case) -> WorkflowHandle:
    return await env.client.start_workflow(
        ReturnCaseWorkflow.run,
        workflow_input(case),
        id=workflow_id(case.id),
        task_queue=settings.temporal_task_queue,
    )


async def wait_for_projection(engine: Engine, case_id: str, stage: Stage) -> Case:
    for _ in range(100):
        with Session(engine) as session:
            case = session.get(Case, case_id)
            assert case is not None
            if case.stage == stage:
                return case
        await asyncio.sleep(0.05)
    raise AssertionError(f"projection never reached {stage}")


async def test_intake_completes_after_counselling_and_is_projected(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    case = insert_case(engine)
    async with build_worker(time_env.client, settings, engine):
        handle = await start(time_env, settings, case)
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=counselling())
        )
        assert state.stage == Stage.INTAKE
        assert len(state.counselling_sessions) == 1

        state = await handle.execute_update(
            ReturnCaseWorkflow.complete_intake, CompleteIntakeInput()
        )
        assert state.stage == Stage.ELIGIBILITY
        assert [c.stage for c in state.stage_history] == [Stage.INTAKE, Stage.ELIGIBILITY]

        queried = await handle.query(ReturnCaseWorkflow.state)
        assert queried.stage == Stage.ELIGIBILITY
        projected = await wait_for_projection(engine, case.id, Stage.ELIGIBILITY)
        assert projected.projected_version == queried.version


async def test_intake_cannot_complete_without_counselling(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    case = insert_case(engine)
    async with build_worker(time_env.client, settings, engine):
        handle = await start(time_env, settings, case)
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(ReturnCaseWorkflow.complete_intake, CompleteIntakeInput())
        assert "at least one counselling session" in str(err.value.cause)
        assert (await handle.query(ReturnCaseWorkflow.state)).stage == Stage.INTAKE


async def test_decisions_refused_outside_their_stage(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    case = insert_case(engine)
    async with build_worker(time_env.client, settings, engine):
        handle = await start(time_env, settings, case)
        await handle.execute_update(
            ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=counselling())
        )
        await handle.execute_update(ReturnCaseWorkflow.complete_intake, CompleteIntakeInput())
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.record_counselling,
                RecordCounsellingInput(session=counselling()),
            )
        assert "stage 'eligibility', not 'intake'" in str(err.value.cause)


async def test_counselling_in_the_future_is_refused(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    case = insert_case(engine)
    async with build_worker(time_env.client, settings, engine):
        handle = await start(time_env, settings, case)
        now = await time_env.get_current_time()
        tomorrow = (now + timedelta(days=2)).date()
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.record_counselling,
                RecordCounsellingInput(session=counselling(tomorrow)),
            )
        assert "future" in str(err.value.cause)
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.counselling_sessions == []


async def test_a_decision_sent_with_the_start_follows_the_cases_first_stage(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    # Sent with the start (as a busy server may deliver an API's first decision), the update
    # reaches the workflow before its run begins: the history still opens with the stage.
    case = insert_case(engine)
    start_op = WithStartWorkflowOperation(
        ReturnCaseWorkflow.run, workflow_input(case), id=workflow_id(case.id),
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL, task_queue=settings.temporal_task_queue,
    )
    async with build_worker(dev_env.client, settings, engine):
        await dev_env.client.execute_update_with_start_workflow(
            ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=counselling()),
            start_workflow_operation=start_op,
        )
        for _ in range(100):
            with Session(engine) as session:
                entries = session.exec(select(TimelineEntry).where(
                    TimelineEntry.case_id == case.id).order_by(col(TimelineEntry.seq))).all()
            if len(entries) >= 2:
                break
            await asyncio.sleep(0.05)
    assert [e.summary for e in entries][:2] == [
        "stage: intake", f"counselling session held on {counselling().held_on}",
    ]
