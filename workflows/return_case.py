"""ReturnCaseWorkflow: one migrant's return case, from intake onwards, as a durable workflow."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.projection import ProjectionActivities
    from models.enums import Stage
    from models.payloads import (
        CaseState,
        CaseWorkflowInput,
        CompleteIntakeInput,
        ProjectCaseInput,
        RecordCounsellingInput,
        StageChange,
    )

PROJECTION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[],
)


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@workflow.defn
class ReturnCaseWorkflow:
    @workflow.init
    def __init__(self, data: CaseWorkflowInput) -> None:
        self._state = data.state or CaseState(
            case_id=data.case_id,
            reference=data.reference,
            country_of_origin=data.country_of_origin,
            legal_situation=data.legal_situation,
            location_type=data.location_type,
        )
        self._dirty = data.state is None

    @workflow.run
    async def run(self, data: CaseWorkflowInput) -> CaseState:
        if self._dirty:
            self._change_stage(self._state.stage)
        while True:
            await workflow.wait_condition(lambda: self._dirty)
            self._dirty = False
            await self._project()

    @workflow.query
    def state(self) -> CaseState:
        return self._state

    @workflow.update
    async def record_counselling(self, data: RecordCounsellingInput) -> CaseState:
        self._state.counselling_sessions.append(data.session)
        self._touch()
        return self._state

    @record_counselling.validator
    def _validate_counselling(self, data: RecordCounsellingInput) -> None:
        self._require_stage(Stage.INTAKE, "record a counselling session")
        if data.session.held_on > workflow.now().date():
            raise ApplicationError("a counselling session cannot be in the future")

    @workflow.update
    async def complete_intake(self, data: CompleteIntakeInput) -> CaseState:
        self._change_stage(Stage.ELIGIBILITY)
        return self._state

    @complete_intake.validator
    def _validate_complete_intake(self, data: CompleteIntakeInput) -> None:
        self._require_stage(Stage.INTAKE, "complete intake")
        if not self._state.counselling_sessions:
            raise ApplicationError(
                "intake cannot be completed before at least one counselling session is recorded"
            )

    def _require_stage(self, stage: Stage, action: str) -> None:
        if self._state.stage != stage:
            raise ApplicationError(
                f"cannot {action}: the case is in stage '{self._state.stage}', "
                f"not '{stage}'"
            )

    def _touch(self) -> None:
        self._state.version += 1
        self._state.updated_at = workflow.now()
        self._dirty = True

    def _change_stage(self, stage: Stage) -> None:
        self._state.stage = stage
        self._state.stage_history.append(StageChange(stage=stage, at=workflow.now()))
        self._touch()

    async def _project(self) -> None:
        s = self._state
        assert s.updated_at is not None
        await workflow.execute_activity_method(
            ProjectionActivities.project_case,
            ProjectCaseInput(
                case_id=s.case_id,
                stage=s.stage,
                status=s.status,
                version=s.version,
                updated_at=s.updated_at,
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PROJECTION_RETRY,
        )
