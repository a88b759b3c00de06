"""Booking by a travel desk (HOMEWARD_BOOKING=desk): the request waits for the desk's update;
its booking, change or cancellation moves the case on; closing withdraws an open request."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.booking_desk import DeskBooking
from activities.clients import ExternalClients
from core.settings import Settings
from models.costs import Cost
from models.decisions import NoShowDecisionInput
from models.desk import (
    CancelDeskBookingInput,
    ChangeDeskBookingInput,
    RecordDeskBookingInput,
    Segment,
)
from models.enums import (
    BookingStatus,
    CaseStatus,
    CostCategory,
    NoShowChoice,
    Role,
    Stage,
    TaskKind,
)
from models.payloads import Actor, CaseState
from models.timeline import TimelineEntry
from tests.workflows.scenario import (
    CASEWORKER,
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
from workflows import tasks
from workflows.return_case import ReturnCaseWorkflow

DESK = Actor(id="td-tom", role=Role.TRAVEL_DESK)
Handle = WorkflowHandle[ReturnCaseWorkflow, CaseState]


def desk_clients() -> ExternalClients:
    sims = clients()
    sims.booking = DeskBooking()
    return sims


def itinerary(day: date) -> list[Segment]:
    """Riga - Istanbul - Tbilisi, local times."""
    return [
        Segment(flight_number="TK1776", from_airport="RIX", to_airport="IST",
                departs_at=datetime.combine(day, time(10, 5)),
                arrives_at=datetime.combine(day, time(14, 20))),
        Segment(flight_number="TK382", from_airport="IST", to_airport="TBS",
                departs_at=datetime.combine(day, time(16, 0)),
                arrives_at=datetime.combine(day, time(19, 30))),
    ]


def booking(day: date, ref: str = "PNR7QX", currency: str = "EUR") -> RecordDeskBookingInput:
    return RecordDeskBookingInput(actor=DESK, booking_ref=ref, segments=itinerary(day),
                                  price=Decimal("412.50"), currency=currency)


async def requested(env: WorkflowEnvironment, settings: Settings, engine: Engine) -> tuple[Handle, date]:
    day = await today(env)
    handle = await start_case(env, settings, engine,
                              [person("m1", passport_until=day + timedelta(days=900))])
    await through_consent(env, handle)
    await through_clearance(env, handle)
    return handle, day + timedelta(days=30)


def ticket_costs(engine: Engine, case_id: str) -> list[Cost]:
    with Session(engine) as session:
        return list(session.exec(select(Cost).where(Cost.case_id == case_id)
                                 .where(Cost.category == CostCategory.TICKET)).all())


async def test_a_travel_desk_books_and_the_household_departs(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=desk_clients()):
        handle, departure = await requested(time_env, settings, engine)
        await approve_grant(handle)
        state = await book(handle, departure)
        assert state.stage == Stage.TRAVEL and state.active_booking is None
        assert state.desk_request is not None and state.desk_request.departure_date == departure
        open_now = tasks.open_tasks(state, datetime.now())
        assert [(t.kind, t.role) for t in open_now] == [(TaskKind.DESK_BOOKING, Role.TRAVEL_DESK)]
        assert state.awaiting == f"the travel desk's booking for {departure}"

        state = await handle.execute_update(ReturnCaseWorkflow.record_desk_booking,
                                            booking(departure))
        b = state.active_booking
        assert b is not None and b.booking_ref == "PNR7QX" and b.booked_by == DESK.id
        assert b.flight == "TK1776 / TK382" and b.departure_date == departure
        assert [s.to_airport for s in b.segments] == ["IST", "TBS"]
        assert state.desk_request is None
        assert [t.kind for t in tasks.open_tasks(state, datetime.now())] == [
            TaskKind.CONFIRM_DEPARTURE]
        # Recorded twice: refused with the reason, nothing booked again.
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(ReturnCaseWorkflow.record_desk_booking,
                                        booking(departure, ref="PNR8ZZ"))
        assert "booking PNR7QX is already recorded" in str(refused.value.cause)

        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED
        await wait_for_projection(engine, state.case_id, Stage.DEPARTED)

    costs = ticket_costs(engine, state.case_id)
    assert [(c.amount, c.currency) for c in costs] == [(Decimal("412.50"), "EUR")]
    assert "PNR7QX" in costs[0].description


async def test_the_desk_records_a_change_of_flights_and_date(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=desk_clients()):
        handle, departure = await requested(time_env, settings, engine)
        await book(handle, departure)
        await handle.execute_update(ReturnCaseWorkflow.record_desk_booking, booking(departure))
        later = departure + timedelta(days=2)
        state = await handle.execute_update(
            ReturnCaseWorkflow.change_desk_booking,
            ChangeDeskBookingInput(actor=DESK, booking_ref="PNR7QX", segments=itinerary(later)[:1],
                                   reason="the airline moved the flight"))
        b = state.active_booking
        assert b is not None and b.departure_date == later and b.flight == "TK1776"
        assert b.changes == 1 and b.status == BookingStatus.BOOKED
        state = await depart(time_env, handle)
        assert state.departed_on == later
    assert len(ticket_costs(engine, state.case_id)) == 1  # a change books no second ticket


async def test_a_cancellation_by_the_desk_needs_a_new_booking(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=desk_clients()):
        handle, departure = await requested(time_env, settings, engine)
        await book(handle, departure)
        await handle.execute_update(ReturnCaseWorkflow.record_desk_booking, booking(departure))
        state = await handle.execute_update(
            ReturnCaseWorkflow.cancel_desk_booking,
            CancelDeskBookingInput(actor=DESK, booking_ref="PNR7QX", reason="flight cancelled"))
        assert state.bookings[-1].status == BookingStatus.CANCELLED
        assert state.active_booking is None and state.desk_request is None
        assert [t.kind for t in tasks.open_tasks(state, datetime.now())] == [
            TaskKind.BOOK_TRAVEL]
        # The caseworker asks again; the second request has its own cost key.
        state = await book(handle, departure + timedelta(days=1))
        assert state.desk_request is not None
        assert state.desk_request.booking_key.endswith(":booking:2")


async def test_closing_the_case_withdraws_the_open_request(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=desk_clients()):
        handle, departure = await requested(time_env, settings, engine)
        state = await book(handle, departure)
        assert state.desk_request is not None
        state = await close_case(handle)
        assert state.status == CaseStatus.CLOSED and state.desk_request is None
        assert tasks.open_tasks(state, datetime.now()) == []
        await wait_for_projection(engine, state.case_id, Stage.CLOSED)
    assert ticket_costs(engine, state.case_id) == []
    assert "withdrawn: the case is closed" in " ".join(timeline(engine, state.case_id))


async def test_closing_a_case_the_desk_booked_asks_the_desk_to_cancel_it(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=desk_clients()):
        handle, departure = await requested(time_env, settings, engine)
        await book(handle, departure)
        await handle.execute_update(ReturnCaseWorkflow.record_desk_booking, booking(departure))
        state = await close_case(handle)
        assert state.bookings[-1].status == BookingStatus.CANCELLED
        await wait_for_projection(engine, state.case_id, Stage.CLOSED)
    assert "travel_desk reminded: cancel booking PNR7QX" in timeline(engine, state.case_id)


async def test_a_price_in_another_currency_is_refused_and_changes_nothing(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=desk_clients()):
        handle, departure = await requested(time_env, settings, engine)
        await book(handle, departure)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(ReturnCaseWorkflow.record_desk_booking,
                                        booking(departure, currency="USD"))
        reason = str(refused.value.cause)
        assert "the price is in USD" in reason and "accounts in EUR" in reason
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.desk_request is not None and state.active_booking is None
    assert ticket_costs(engine, state.case_id) == []


def timeline(engine: Engine, case_id: str) -> list[str]:
    """The case's timeline as projected (call once the projection has caught up)."""
    with Session(engine) as session:
        return list(session.exec(select(TimelineEntry.summary)
                                 .where(TimelineEntry.case_id == case_id)
                                 .order_by(col(TimelineEntry.seq))).all())


async def test_a_no_show_rebooked_asks_the_desk_again_and_to_cancel_the_old_booking(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    async with build_worker(time_env.client, settings, engine, clients=desk_clients()):
        handle, departure = await requested(time_env, settings, engine)
        await book(handle, departure)
        await handle.execute_update(ReturnCaseWorkflow.record_desk_booking, booking(departure))
        await time_env.sleep(timedelta(days=32))
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.bookings[0].status == BookingStatus.NO_SHOW
        again = departure + timedelta(days=7)
        state = await handle.execute_update(ReturnCaseWorkflow.decide_no_show, NoShowDecisionInput(
            actor=CASEWORKER, choice=NoShowChoice.REBOOK, reason="missed the bus",
            new_departure_date=again))
        assert state.bookings[0].status == BookingStatus.CANCELLED
        assert state.desk_request is not None and state.desk_request.departure_date == again
        assert state.desk_request.booking_key.endswith(":booking:2")
        await handle.execute_update(ReturnCaseWorkflow.record_desk_booking,
                                    booking(again, ref="PNR9AB"))
        state = await depart(time_env, handle)
        assert state.stage == Stage.DEPARTED
        await wait_for_projection(engine, state.case_id, Stage.DEPARTED)
    assert "travel_desk reminded: cancel booking PNR7QX" in timeline(engine, state.case_id)
    assert len(ticket_costs(engine, state.case_id)) == 2  # the missed flight was paid too
