"""From consent to departure: booking, lead-time warnings, no-shows, the grant paid exactly once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.booking import SimulatedBooking
from activities.payments import SimulatedPayments
from api.decisions import refusal_code
from core.settings import Settings
from models.decisions import (
    ConfirmDepartureInput,
    GrantDecisionInput,
    NoShowDecisionInput,
    ProposeGrantInput,
    RetryPaymentInput,
)
from models.enums import BookingStatus, ClosureReason, GrantStatus, NoShowChoice, Stage
from tests.workflows.scenario import (
    BORDER_GUARD,
    CASEWORKER,
    SUPERVISOR,
    approve_grant,
    book,
    clients,
    close_case,
    depart,
    person,
    start_case,
    through_clearance,
    through_consent,
    today,
)
from tests.workflows.test_return_case import wait_for_projection
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow


async def test_single_adult_from_intake_to_departure_with_the_grant_paid_once(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env,
            settings,
            engine,
            [person("m1", passport_until=day + timedelta(days=900))],
            voluntary_departure_deadline=day + timedelta(days=60),
        )
        await through_consent(time_env, handle)
        state = await approve_grant(handle)
        assert state.grant is not None and state.grant.amount == Decimal("300.00")
        state = await through_clearance(time_env, handle)
        assert state.stage == Stage.TRAVEL
        assert state.clearance.border_guard_ref and state.clearance.migration_office_ref
        state = await book(handle, day + timedelta(days=30))
        assert state.warnings == []
        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED
        assert state.grant is not None and state.grant.status == GrantStatus.PAID
        result = await handle.query(ReturnCaseWorkflow.state)
        # The run goes on after departure: wait for its projection while the worker runs.
        projected = await wait_for_projection(engine, result.case_id, Stage.DEPARTED)

    ledger = sims.payments.ledger  # type: ignore[attr-defined]
    assert len(ledger) == 1
    assert ledger[0].amount == Decimal("300.00")
    assert ledger[0].idempotency_key == f"{result.case_id}:{result.grant.payment_id}"  # type: ignore[union-attr]
    assert result.grant.receipt_ref == ledger[0].receipt_ref  # type: ignore[union-attr]
    assert projected.grant_receipt_ref == ledger[0].receipt_ref
    assert projected.departure_date == day + timedelta(days=30)


async def test_payment_recorded_then_crash_does_not_pay_twice(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    payments: SimulatedPayments = sims.payments  # type: ignore[assignment]
    payments.crash_after_record = 1
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        await approve_grant(handle)
        await through_clearance(time_env, handle)
        await book(handle, day + timedelta(days=25))
        state = await depart(time_env, handle)

    assert payments.calls == 2  # the first call recorded the payment, then failed
    assert len(payments.ledger) == 1
    assert state.grant is not None and state.grant.receipt_ref == payments.ledger[0].receipt_ref


async def test_same_person_cannot_propose_and_approve_the_grant(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        handle = await start_case(time_env, settings, engine, [person("m1")])
        await through_consent(time_env, handle)
        await handle.execute_update(
            ReturnCaseWorkflow.propose_grant, ProposeGrantInput(actor=SUPERVISOR)
        )
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.decide_grant,
                GrantDecisionInput(actor=SUPERVISOR, approve=True, reason="mine"),
            )
        assert "same person cannot propose and approve" in str(err.value.cause)
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.grant is not None and state.grant.status == GrantStatus.PROPOSED


async def test_withdrawal_after_booking_cancels_it_and_pays_nothing(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        await approve_grant(handle)
        await through_clearance(time_env, handle)
        state = await book(handle, day + timedelta(days=30))
        booking_ref = state.bookings[0].booking_ref
        await close_case(handle, note="decided to appeal instead")
        result = await handle.result()

    booking: SimulatedBooking = sims.booking  # type: ignore[assignment]
    assert booking.cancelled == [booking_ref]
    assert booking.active == []
    assert sims.payments.ledger == []  # type: ignore[attr-defined]
    assert result.stage == Stage.CLOSED and result.closure_reason == ClosureReason.WITHDRAWN
    assert result.grant is not None and result.grant.status == GrantStatus.RELEASED
    assert result.bookings[0].status == BookingStatus.CANCELLED


async def test_no_show_is_rebooked_and_the_first_booking_cancelled(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env,
            settings,
            engine,
            [person("m1", passport_until=day + timedelta(days=900))],
            voluntary_departure_deadline=day + timedelta(days=40),
        )
        await through_consent(time_env, handle)
        await through_clearance(time_env, handle)
        first = (await book(handle, day + timedelta(days=20))).bookings[0]
        rebook = NoShowDecisionInput(
            actor=CASEWORKER,
            choice=NoShowChoice.REBOOK,
            reason="missed the bus",
            new_departure_date=day + timedelta(days=25),
        )
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(ReturnCaseWorkflow.decide_no_show, rebook)
        assert "no no-show is waiting" in str(err.value.cause)

        await time_env.sleep(timedelta(days=22))
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.bookings[0].status == BookingStatus.NO_SHOW
        assert state.awaiting and "no-show" in state.awaiting

        state = await handle.execute_update(ReturnCaseWorkflow.decide_no_show, rebook)
        assert [b.status for b in state.bookings] == [BookingStatus.CANCELLED, BookingStatus.BOOKED]
        second = state.bookings[1]
        # Rebooked 3 days ahead: both lead-time rules are broken and shown.
        assert any("19" in w for w in state.warnings)
        assert any("working days" in w for w in state.warnings)
        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED

    booking: SimulatedBooking = sims.booking  # type: ignore[assignment]
    assert booking.cancelled == [first.booking_ref]
    assert booking.active == [second.booking_ref]


async def test_no_show_can_suspend_and_a_new_booking_reactivates(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        await through_clearance(time_env, handle)
        await book(handle, day + timedelta(days=20))
        await time_env.sleep(timedelta(days=22))
        state = await handle.execute_update(
            ReturnCaseWorkflow.decide_no_show,
            NoShowDecisionInput(
                actor=CASEWORKER, choice=NoShowChoice.SUSPEND, reason="in hospital"
            ),
        )
        assert state.status == "suspended" and state.active_booking is None
        state = await book(handle, (await today(time_env)) + timedelta(days=25))
        assert state.status == "active"


async def test_declined_grant_payment_waits_for_a_retry_after_departure(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    payments: SimulatedPayments = sims.payments  # type: ignore[assignment]
    payments.config.refusal_rate = 1.0
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        await approve_grant(handle)
        await through_clearance(time_env, handle)
        await book(handle, day + timedelta(days=25))
        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED
        assert state.grant is not None and state.grant.status == GrantStatus.PAYMENT_FAILED
        assert state.awaiting == "decision on the declined grant payment: retry it"
        assert any("declined" in w for w in state.warnings)
        first_payment = state.grant.payment_id

        payments.config.refusal_rate = 0.0
        state = await handle.execute_update(
            ReturnCaseWorkflow.retry_grant_payment, RetryPaymentInput(actor=CASEWORKER)
        )
        assert state.grant is not None and state.grant.status == GrantStatus.PAID
        assert state.grant.payment_id != first_payment
        result = await handle.query(ReturnCaseWorkflow.state)

    assert [e.idempotency_key for e in payments.ledger] == [
        f"{result.case_id}:{result.grant.payment_id}"  # type: ignore[union-attr]
    ]


async def test_a_refused_booking_is_returned_as_the_reason_and_changes_nothing(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    booking: SimulatedBooking = sims.booking  # type: ignore[assignment]
    booking.config.refusal_rate = 1.0
    async with build_worker(time_env.client, settings, engine, clients=sims):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        await through_clearance(time_env, handle)
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await book(handle, day + timedelta(days=30))
        assert "the booking system refused: no seats to GE" in str(err.value.cause)
        assert refusal_code(err.value)[0] == "booking_refused"
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.bookings == [] and state.stage == Stage.TRAVEL
        booking.config.refusal_rate = 0.0
        state = await book(handle, day + timedelta(days=31))
        assert [b.departure_date for b in state.bookings] == [day + timedelta(days=31)]


async def test_a_late_departure_confirmation_overrides_the_no_show(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=clients()):
        day = await today(time_env)
        handle = await start_case(
            time_env, settings, engine, [person("m1", passport_until=day + timedelta(days=900))]
        )
        await through_consent(time_env, handle)
        await through_clearance(time_env, handle)
        booking = (await book(handle, day + timedelta(days=20))).bookings[0]
        await time_env.sleep(timedelta(days=21, hours=6))
        assert (await handle.query(ReturnCaseWorkflow.state)).awaiting
        state = await handle.execute_update(
            ReturnCaseWorkflow.confirm_departure,
            ConfirmDepartureInput(
                actor=BORDER_GUARD,
                booking_ref=booking.booking_ref,
                departed_on=booking.departure_date,
            ),
        )
        assert state.stage == Stage.DEPARTED and state.awaiting is None
        assert state.bookings[0].status == BookingStatus.FLOWN
