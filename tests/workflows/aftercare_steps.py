"""Steps the aftercare tests share: partners, a departed case, waiting for its state.

After departure: handover, arrival, plan, monitoring with the score, closure, long life."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from models.decisions import ConfirmArrivalInput, PlanDecisionInput, ProposePlanInput
from models.enums import ComponentKind, Role, Stage
from models.partners import Partner
from models.payloads import Actor, CaseState
from models.schemas_aftercare import ComponentIn
from models.users import User
from tests.workflows.scenario import (
    SUPERVISOR,
    approve_grant,
    book,
    depart,
    person,
    start_case,
    through_clearance,
    through_consent,
    today,
)
from workflows.return_case import ReturnCaseWorkflow

PARTNER = Actor(id="partner-nino", role=Role.PARTNER, organisation="GE-partner")
OTHER_PARTNER = Actor(id="partner-ali", role=Role.PARTNER, organisation="AM-partner")
SUPERVISOR_2 = Actor(id="sup-ivo", role=Role.SUPERVISOR)
GOOD = {
    "income_sufficiency": 3, "work_stability": 2, "debt_manageable": 4,
    "housing": 4, "services_access": 3, "civil_documents": 4,
    "wellbeing": 2, "safety": 4, "support_network": 3,
}
Handle = WorkflowHandle[ReturnCaseWorkflow, CaseState]


def add_partners(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="Georgian Reintegration Partner",
                            country="GE", contact_email="ops@ge-partner.example"))
        session.add(Partner(id="AM-partner", organisation="Armenian Partner",
                            country="AM", contact_email="ops@am-partner.example"))
        for user_id, org in (("partner-nino", "GE-partner"), ("partner-ali", "AM-partner")):
            session.add(User(id=user_id, username=user_id, full_name=user_id, role=Role.PARTNER,
                             partner_org=org, password_hash="x", email=f"{user_id}@example.org"))
        session.add(User(id="cw-anna", username="cw-anna", full_name="Anna", password_hash="x",
                         role=Role.CASEWORKER, email="anna@example.org"))
        session.add(User(id="sup-mara", username="sup-mara", full_name="Mara", password_hash="x",
                         role=Role.SUPERVISOR, email="mara@example.org"))
        session.commit()


async def departed(env: WorkflowEnvironment, settings: Settings, engine: Engine,
                   household: list | None = None, **fields: object) -> Handle:
    day = await today(env)
    handle = await start_case(
        env, settings, engine,
        household or [person("m1", passport_until=day + timedelta(days=900))], **fields,
    )
    await through_consent(env, handle)
    await approve_grant(handle)
    await through_clearance(env, handle)
    await book(handle, day + timedelta(days=30))
    await depart(env, handle)
    return handle


async def refused(handle: Handle, update, arg) -> str:  # type: ignore[no-untyped-def]
    """The workflow's reason for refusing the update."""
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await handle.execute_update(update, arg)
    return str(err.value.cause)


async def state_of(handle: Handle) -> CaseState:
    return await handle.query(ReturnCaseWorkflow.state)


async def until(handle: Handle, check, env: WorkflowEnvironment | None = None) -> CaseState:  # type: ignore[no-untyped-def]
    """The case's state once ``check(state)`` holds (the run loop acts between updates)."""
    for _ in range(200):
        state = await state_of(handle)
        if check(state):
            return state
        if env is not None:
            await env.sleep(timedelta(seconds=1))
        else:
            import asyncio

            await asyncio.sleep(0.05)
    raise AssertionError(f"condition never held; stage {state.stage}, awaiting {state.awaiting}")


async def arrive_and_approve_plan(env: WorkflowEnvironment, handle: Handle) -> CaseState:
    await until(handle, lambda s: s.stage == Stage.ARRIVAL)
    state = await state_of(handle)
    await handle.execute_update(
        ReturnCaseWorkflow.confirm_arrival,
        ConfirmArrivalInput(actor=PARTNER, arrived_on=state.departed_on),
    )
    await handle.execute_update(
        ReturnCaseWorkflow.propose_plan,
        ProposePlanInput(actor=PARTNER, components=[
            ComponentIn(kind=ComponentKind.BUSINESS_START_UP, description="grocery stall",
                        budget=Decimal("1200.00")),
            ComponentIn(kind=ComponentKind.COUNSELLING, description="six sessions",
                        budget=Decimal("300.00")),
        ]),
    )
    return await handle.execute_update(
        ReturnCaseWorkflow.decide_plan,
        PlanDecisionInput(actor=SUPERVISOR, approve=True, reason="within the cap, realistic"),
    )
