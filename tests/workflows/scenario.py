"""Drivers shared by the workflow scenario tests: start a case, walk it through decisions."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.authorities import SimulatedAuthorities
from activities.booking import SimulatedBooking
from activities.clients import ExternalClients
from activities.embassy import SimulatedEmbassy
from activities.notifications import SimulatedNotifications
from activities.payments import SimulatedPayments
from activities.simulation import SimulatorConfig
from core.settings import Settings
from models.decisions import (
    AssessDocumentsInput,
    ClosureDecisionInput,
    CompleteIntakeInput,
    ConfirmClearanceInput,
    ConfirmDepartureInput,
    EligibilityDecisionInput,
    GrantDecisionInput,
    ProposeClosureInput,
    ProposeGrantInput,
    RecordConsentInput,
    RecordCounsellingInput,
    RequestBookingInput,
    SubmitEligibilityInput,
)
from models.enums import ClearanceKind, ClosureReason, Relationship, Role, Sex, Vulnerability
from models.payloads import Actor, CaseState, Traveller
from tests.factories import counselling, insert_case, workflow_input
from workflows.return_case import ReturnCaseWorkflow, workflow_id

CASEWORKER = Actor(id="cw-anna", role=Role.CASEWORKER)
SUPERVISOR = Actor(id="sup-mara", role=Role.SUPERVISOR)
BORDER_GUARD = Actor(id="bg-janis", role=Role.BORDER_GUARD)
# Cases the running test started, for recording their histories (see conftest.py).
STARTED: list[WorkflowHandle[ReturnCaseWorkflow, CaseState]] = []


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
    env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    household: list[Traveller],
    project_id: str | None = None,
    **case_fields: object,
) -> WorkflowHandle[ReturnCaseWorkflow, CaseState]:
    case = insert_case(engine, **({"project_id": project_id} if project_id else {}))
    data = workflow_input(case).model_copy(
        update={"household": household, "destination_city": "Tbilisi", **case_fields}
    )
    handle = await env.client.start_workflow(
        ReturnCaseWorkflow.run,
        data,
        id=workflow_id(case.id),
        task_queue=settings.temporal_task_queue,
    )
    STARTED.append(handle)
    return handle


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
            actor=CASEWORKER,
            declaration_signed_on=await today(env),
            share_with_authorities=True,
            share_with_partner=True,
            witnessed_by="interpreter N. K.",
        ),
    )


async def through_clearance(
    env: WorkflowEnvironment,
    handle: WorkflowHandle[ReturnCaseWorkflow, CaseState],
    planned_in_days: int = 30,
) -> CaseState:
    """From consent: documents (none needed: passports valid) and exit clearance."""
    day = await today(env)
    await handle.execute_update(
        ReturnCaseWorkflow.assess_travel_documents,
        AssessDocumentsInput(
            actor=CASEWORKER, planned_departure=day + timedelta(days=planned_in_days)
        ),
    )
    return await handle.execute_update(
        ReturnCaseWorkflow.confirm_clearance,
        ConfirmClearanceInput(
            actor=BORDER_GUARD,
            kind=ClearanceKind.EXIT_CLEARANCE,
            confirmed_on=day,
            reference="BG-1",
        ),
    )


async def close_case(
    handle: WorkflowHandle[ReturnCaseWorkflow, CaseState],
    reason: ClosureReason = ClosureReason.WITHDRAWN,
    note: str = "changed her mind",
) -> CaseState:
    """Close a case the only way there is: a caseworker proposes, a supervisor approves."""
    await handle.execute_update(
        ReturnCaseWorkflow.propose_closure,
        ProposeClosureInput(actor=CASEWORKER, reason=reason, note=note),
    )
    return await handle.execute_update(
        ReturnCaseWorkflow.decide_closure,
        ClosureDecisionInput(actor=SUPERVISOR, approve=True, reason="agreed"),
    )


def clients() -> ExternalClients:
    """Fresh seeded simulators per test, so assertions can read their ledgers."""
    return ExternalClients(
        embassy=SimulatedEmbassy(SimulatorConfig(seed=1)),
        authorities=SimulatedAuthorities(SimulatorConfig(seed=2)),
        booking=SimulatedBooking(SimulatorConfig(seed=3)),
        payments=SimulatedPayments(SimulatorConfig(seed=4)),
        notifications=SimulatedNotifications(SimulatorConfig(seed=5)),
    )


async def approve_grant(handle: WorkflowHandle[ReturnCaseWorkflow, CaseState]) -> CaseState:
    await handle.execute_update(
        ReturnCaseWorkflow.propose_grant, ProposeGrantInput(actor=CASEWORKER)
    )
    return await handle.execute_update(
        ReturnCaseWorkflow.decide_grant,
        GrantDecisionInput(actor=SUPERVISOR, approve=True, reason="per policy"),
    )


async def book(
    handle: WorkflowHandle[ReturnCaseWorkflow, CaseState], departure: date, escort: bool = False
) -> CaseState:
    return await handle.execute_update(
        ReturnCaseWorkflow.request_booking,
        RequestBookingInput(actor=CASEWORKER, departure_date=departure, escort=escort),
    )


async def depart(
    env: WorkflowEnvironment,
    handle: WorkflowHandle[ReturnCaseWorkflow, CaseState],
    actor: Actor = BORDER_GUARD,
) -> CaseState:
    """Let time pass to the booked day, then the border guard confirms departure.

    The time-skipping server does not skip time while a client waits for an update, so the
    helper skips it in small steps until the confirmation returns (retry timers fire).
    """
    state = await handle.query(ReturnCaseWorkflow.state)
    booking = state.active_booking
    assert booking is not None
    await env.sleep(
        datetime.combine(booking.departure_date, time(9), tzinfo=UTC) - await env.get_current_time()
    )
    confirmed = asyncio.create_task(
        handle.execute_update(
            ReturnCaseWorkflow.confirm_departure,
            ConfirmDepartureInput(
                actor=actor, booking_ref=booking.booking_ref, departed_on=booking.departure_date
            ),
        )
    )
    # Skipping time lets the server fire the payment's retry timers meanwhile.
    while not confirmed.done():
        await asyncio.sleep(0.05)
        if not confirmed.done():
            await env.sleep(timedelta(seconds=30))
    return await confirmed
