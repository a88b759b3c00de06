"""After departure: the handover to the partner (with the consent, to its organisation only)
and the arrival it confirms, reminded then escalated when it does not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.partners import SimulatedPartners
from core.settings import Settings
from models.decisions import ConfirmArrivalInput
from models.enums import Stage
from models.timeline import Notification
from tests.workflows.aftercare_steps import (
    OTHER_PARTNER,
    add_partners,
    departed,
    refused,
    state_of,
    until,
)
from tests.workflows.scenario import (
    CASEWORKER,
    book,
    clients,
    depart,
    person,
    start_case,
    through_clearance,
    today,
)
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def test_an_unconfirmed_arrival_reminds_the_partner_and_caseworker_then_alerts_a_supervisor(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        assert state.arrival.expected_by is not None
        await time_env.sleep(state.arrival.expected_by - await time_env.get_current_time()
                             + timedelta(hours=1))
        state = await until(handle, lambda s: s.arrival.reminders_sent == 1)
        assert not state.arrival.escalated
        assert any("arrival not confirmed" in w for w in state.warnings)
        await time_env.sleep(timedelta(days=3))
        state = await until(handle, lambda s: s.arrival.escalated)
        case_id = state.case_id

    with Session(engine) as session:
        rows = session.exec(select(Notification).where(Notification.case_id == case_id)).all()
    by_user = {(r.user_id, r.subject.split(": ", 1)[1]) for r in rows}
    assert ("partner-nino", "confirm the arrival") in by_user
    assert ("cw-anna", "arrival not confirmed") in by_user
    assert ("sup-mara", "arrival still not confirmed") in by_user
    # The other organisation's partner hears nothing about this case.
    assert not any(u == "partner-ali" for u, _ in by_user)


async def test_a_partner_cannot_act_on_a_case_not_handed_over_to_it(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await departed(time_env, settings, engine)
        state = await until(handle, lambda s: s.stage == Stage.ARRIVAL)
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.confirm_arrival,
                ConfirmArrivalInput(actor=OTHER_PARTNER, arrived_on=state.departed_on),
            )
        assert "not handed over to your organisation" in str(err.value.cause)
        assert (await state_of(handle)).arrival.confirmed_on is None


async def test_without_partner_consent_nothing_is_handed_over(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    add_partners(engine)
    sims = clients()
    partners = SimulatedPartners()
    sims.partners = partners
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        from models.decisions import HandOverInput, RecordConsentInput
        from tests.workflows.scenario import through_eligibility

        await through_eligibility(handle)
        await handle.execute_update(
            ReturnCaseWorkflow.record_consent,
            RecordConsentInput(actor=CASEWORKER, declaration_signed_on=day,
                               share_with_authorities=True, share_with_partner=False,
                               witnessed_by="interpreter"),
        )
        await through_clearance(time_env, handle)
        await book(handle, day + timedelta(days=30))
        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED
        assert state.awaiting is not None and "no consent" in state.awaiting
        assert "no consent to share data with a reintegration partner" in await refused(
            handle, ReturnCaseWorkflow.hand_over, HandOverInput(actor=CASEWORKER)
        )
    assert partners.received == {}
