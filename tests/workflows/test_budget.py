"""The workflow books each cost where it arises and refuses a grant over the project's budget."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.booking import SimulatedBooking
from activities.simulation import SimulatorConfig
from core.settings import Settings
from models.costs import Cost
from models.decisions import GrantDecisionInput, ProposeGrantInput
from models.enums import CostCategory, Fund, GrantStatus, Stage
from models.tables import Project
from tests.workflows.scenario import (
    CASEWORKER,
    SUPERVISOR,
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
from workflows.return_case import ReturnCaseWorkflow


def budget_project(engine: Engine, total: str) -> str:
    with Session(engine) as session:
        project = Project(
            id=str(uuid.uuid4()), fund=Fund.AMIF, code="TIGHT", title="Tight budget",
            period_start=date(2020, 1, 1), period_end=date(2099, 12, 31), currency="EUR",
            total_budget=Decimal(total), eu_share_percent=Decimal(75),
            national_share_percent=Decimal(25), targets={},
        )
        session.add(project)
        session.commit()
        return project.id


def set_budget(engine: Engine, project_id: str, total: str) -> None:
    with Session(engine) as session:
        project = session.get(Project, project_id)
        assert project is not None
        project.total_budget = Decimal(total)
        session.add(project)
        session.commit()


async def test_grant_over_budget_is_refused_then_costs_are_booked_once_each(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    sims.booking = SimulatedBooking(SimulatorConfig(seed=3, prices={"ticket": 450},
                                                    price_spread=0))
    project_id = budget_project(engine, "700.00")
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))],
            project_id=project_id,
        )
        await through_consent(time_env, handle)
        await through_clearance(time_env, handle)
        await book(handle, day + timedelta(days=30))  # books the 450.00 ticket
        await handle.execute_update(
            ReturnCaseWorkflow.propose_grant, ProposeGrantInput(actor=CASEWORKER)
        )
        approve = GrantDecisionInput(actor=SUPERVISOR, approve=True, reason="per policy")
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(ReturnCaseWorkflow.decide_grant, approve)
        assert err.value.cause.message == (  # type: ignore[union-attr]
            "over budget: project TIGHT has a total budget of 700.00 EUR, 0.00 EUR consumed, "
            "450.00 EUR booked by simulators (not spending) and 250.00 EUR remaining; this "
            "cash grant requests 300.00 EUR"
        )
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.grant is not None and state.grant.status == GrantStatus.PROPOSED

        set_budget(engine, project_id, "750.00")  # the donor adds money: now it fits exactly
        state = await handle.execute_update(ReturnCaseWorkflow.decide_grant, approve)
        assert state.grant is not None and state.grant.status == GrantStatus.APPROVED
        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED and state.grant.status == GrantStatus.PAID  # type: ignore[union-attr]
        result = await handle.query(ReturnCaseWorkflow.state)

    with Session(engine) as session:
        booked = session.exec(
            select(Cost).where(Cost.case_id == result.case_id).order_by(col(Cost.id))
        ).all()
    assert [(c.category, c.amount, c.project_id, c.simulated) for c in booked] == [
        (CostCategory.TICKET, Decimal("450.00"), project_id, True),
        (CostCategory.CASH_GRANT, Decimal("300.00"), project_id, True),
    ]
