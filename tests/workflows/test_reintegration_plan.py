"""After arrival: the reintegration plan, refused over the cap or the project budget with the
figures, decided by a supervisor."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from models.decisions import ConfirmArrivalInput, PlanDecisionInput, ProposePlanInput
from models.enums import ComponentKind, PlanStatus, Relationship, Stage
from models.schemas_aftercare import ComponentIn
from tests.workflows.aftercare_steps import (
    PARTNER,
    SUPERVISOR_2,
    add_partners,
    departed,
    refused,
    state_of,
    until,
)
from tests.workflows.scenario import CASEWORKER, SUPERVISOR, clients, person, today
from tests.workflows.test_budget import budget_project, set_budget
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def test_a_plan_over_the_project_budget_is_refused_with_the_figures(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    project_id = budget_project(engine, "1700.00")
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine, project_id=project_id)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        # Ticket and grant are booked; the plan (1,500.00) would take the project over 1,700.00.
        await handle.execute_update(
            ReturnCaseWorkflow.confirm_arrival,
            ConfirmArrivalInput(actor=PARTNER, arrived_on=state.departed_on),
        )
        await handle.execute_update(
            ReturnCaseWorkflow.propose_plan,
            ProposePlanInput(actor=PARTNER, components=[
                ComponentIn(kind=ComponentKind.JOB_PLACEMENT, description="bakery placement",
                            budget=Decimal("1500.00"))]),
        )
        message = await refused(
            handle, ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR, approve=True, reason="fine"),
        )
        assert "over budget: project TIGHT has a total budget of 1700.00 EUR" in message
        assert "this reintegration requests 1500.00 EUR" in message
        state = await state_of(handle)
        assert state.plan is not None and state.plan.status == PlanStatus.PROPOSED
        set_budget(engine, project_id, "5000.00")
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR, approve=True, reason="budget topped up"),
        )
        assert state.stage == Stage.MONITORING


async def test_a_plan_over_the_cap_is_refused_with_the_cap_and_needs_a_second_supervisor(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        household = [
            person("m1", passport_until=day + timedelta(days=900)),
            person("m2", Relationship.CHILD, minor=True, passport_until=day + timedelta(days=900)),
        ]
        handle = await departed(time_env, settings, engine, household)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        await handle.execute_update(
            ReturnCaseWorkflow.confirm_arrival,
            ConfirmArrivalInput(actor=PARTNER, arrived_on=state.departed_on),
        )
        too_much = [ComponentIn(kind=ComponentKind.HOUSING, description="rent for a year",
                                budget=Decimal("3000.01"))]
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.propose_plan, ProposePlanInput(actor=PARTNER, components=too_much)
            )
        message = str(err.value.cause)
        assert "3000.01 EUR is over the reintegration cap of 3000.00 EUR" in message
        assert "1 adult(s) x 2000.00 + 1 minor(s) x 1000.00" in message
        assert (await state_of(handle)).plan is None
        state = await handle.execute_update(
            ReturnCaseWorkflow.propose_plan,
            ProposePlanInput(actor=CASEWORKER, components=[
                ComponentIn(kind=ComponentKind.SCHOOLING, description="school fees",
                            budget=Decimal("3000.00"))]),
        )
        assert state.plan is not None and state.plan.cap == Decimal("3000.00")
        assert "role 'caseworker' may not" in await refused(
            handle, ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=CASEWORKER, approve=True, reason="ok"),
        )
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_plan,
            PlanDecisionInput(actor=SUPERVISOR_2, approve=False, reason="split it by term"),
        )
        assert state.plan is not None and state.plan.status == PlanStatus.SENT_BACK
