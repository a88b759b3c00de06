"""Drivers shared by the workflow scenario tests: start a case, walk it through decisions."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.engine import Engine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from models.decisions import (
    AssessDocumentsInput,
    CompleteIntakeInput,
    ConfirmClearanceInput,
    EligibilityDecisionInput,
    RecordConsentInput,
    RecordCounsellingInput,
    SubmitEligibilityInput,
)
from models.enums import ClearanceKind, Relationship, Role, Sex, Vulnerability
from models.payloads import Actor, CaseState, Traveller
from tests.factories import counselling, insert_case, workflow_input
from workflows.return_case import ReturnCaseWorkflow, workflow_id

CASEWORKER = Actor(id="cw-anna", role=Role.CASEWORKER)
SUPERVISOR = Actor(id="sup-mara", role=Role.SUPERVISOR)
BORDER_GUARD = Actor(id="bg-janis", role=Role.BORDER_GUARD)


def person(
    member_id: str,
    relationship: Relationship = Relationship.PRINCIPAL,
    *,
    minor: bool = False,
    flags: list[Vulnerability] | None = None,
    passport_until: date | None = None,
) -> Traveller:
    return Traveller(
        member_id=member_id,
        relationship=relationship,
        sex=Sex.FEMALE,
        is_minor=minor,
        nationality="GE",
        vulnerabilities=flags or [],
        passport_valid_until=passport_until,
    )


async def today(env: WorkflowEnvironment) -> date:
    return (await env.get_current_time()).date()


async def start_case(
    env: WorkflowEnvironment, settings: Settings, engine: Engine, household: list[Traveller],
    **case_fields: object,
) -> WorkflowHandle[ReturnCaseWorkflow, CaseState]:
    case = insert_case(engine)
    data = workflow_input(case).model_copy(
        update={"household": household, "destination_city": "Tbilisi", **case_fields}
    )
    return await env.client.start_workflow(
        ReturnCaseWorkflow.run,
        data,
        id=workflow_id(case.id),
        task_queue=settings.temporal_task_queue,
    )


async def through_eligibility(handle: WorkflowHandle[ReturnCaseWorkflow, CaseState]) -> CaseState:
    await handle.execute_update(
        ReturnCaseWorkflow.record_counselling, RecordCounsellingInput(session=counselling())
    )
    await handle.execute_update(ReturnCaseWorkflow.complete_intake, CompleteIntakeInput())
    await handle.execute_update(
        ReturnCaseWorkflow.submit_eligibility,
        SubmitEligibilityInput(actor=CASEWORKER, eligible=True, notes="rejected asylum seeker"),
    )
    return await handle.execute_update(
        ReturnCaseWorkflow.decide_eligibility,
        EligibilityDecisionInput(actor=SUPERVISOR, approve=True, reason="meets the criteria"),
    )


async def through_consent(
    env: WorkflowEnvironment, handle: WorkflowHandle[ReturnCaseWorkflow, CaseState]
) -> CaseState:
    await through_eligibility(handle)
    return await handle.execute_update(
        ReturnCaseWorkflow.record_consent,
        RecordConsentInput(
            actor=CASEWORKER, declaration_signed_on=await today(env),
            share_with_authorities=True, share_with_partner=True, witnessed_by="interpreter N. K.",
        ),
    )


async def through_clearance(
    env: WorkflowEnvironment, handle: WorkflowHandle[ReturnCaseWorkflow, CaseState],
    planned_in_days: int = 30,
) -> CaseState:
    """From consent: documents (none needed: passports valid) and exit clearance."""
    day = await today(env)
    await handle.execute_update(
        ReturnCaseWorkflow.assess_travel_documents,
        AssessDocumentsInput(actor=CASEWORKER, planned_departure=day + timedelta(days=planned_in_days)),
    )
    return await handle.execute_update(
        ReturnCaseWorkflow.confirm_clearance,
        ConfirmClearanceInput(
            actor=BORDER_GUARD, kind=ClearanceKind.EXIT_CLEARANCE, confirmed_on=day, reference="BG-1"
        ),
    )
