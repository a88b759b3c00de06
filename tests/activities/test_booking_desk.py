"""HOMEWARD_BOOKING=desk: the client only hands the request to the desk (no price, no booking
made up), and the price the desk records is booked as the ticket cost once, in the project's
currency or not at all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.booking import BookingActivities
from activities.booking_desk import DeskBooking
from models.costs import Cost
from models.desk import DeskCostInput
from models.enums import CostCategory
from models.external import PRICE_CURRENCY_REFUSED, BookingRequest
from tests.factories import insert_case

ENV = ActivityEnvironment()


def price(case_id: str, currency: str = "EUR") -> DeskCostInput:
    return DeskCostInput(case_id=case_id, key=f"{case_id}:booking:1", booking_ref="PNR7QX",
                         price=Decimal("412.50"), currency=currency, travellers=2,
                         departure_date=date(2026, 12, 20))


def ticket_costs(engine: Engine, case_id: str) -> list[tuple[CostCategory, Decimal, str]]:
    with Session(engine) as session:
        return [(c.category, c.amount, c.currency)
                for c in session.exec(select(Cost).where(Cost.case_id == case_id))]


async def test_the_desk_client_books_nothing_and_quotes_no_price(engine: Engine) -> None:
    case = insert_case(engine)
    activities = BookingActivities(DeskBooking(), engine)
    result = await ENV.run(activities.book_travel, BookingRequest(
        case_id=case.id, booking_key=f"{case.id}:booking:1", country_of_origin="GE",
        destination_city="Tbilisi", departure_date=date(2026, 12, 20), travellers=2,
        escort=True, transit_assistance=False))
    assert result.desk and result.booking_ref == "" and result.ticket_price is None
    assert ticket_costs(engine, case.id) == []  # never a simulated amount


async def test_the_recorded_price_is_the_ticket_cost_once_however_often_retried(
    engine: Engine,
) -> None:
    case = insert_case(engine)
    activities = BookingActivities(DeskBooking(), engine)
    await ENV.run(activities.book_desk_price, price(case.id))
    await ENV.run(activities.book_desk_price, price(case.id))  # a retry
    assert ticket_costs(engine, case.id) == [(CostCategory.TICKET, Decimal("412.50"), "EUR")]
    with Session(engine) as session:  # what the desk recorded is spending, not simulated
        assert session.exec(select(Cost.simulated).where(Cost.case_id == case.id)).all() == [
            False]


async def test_a_price_in_another_currency_is_refused_and_never_retried(engine: Engine) -> None:
    case = insert_case(engine)
    activities = BookingActivities(DeskBooking(), engine)
    with pytest.raises(ApplicationError) as refused:
        await ENV.run(activities.book_desk_price, price(case.id, currency="usd"))
    assert refused.value.type == PRICE_CURRENCY_REFUSED and refused.value.non_retryable
    assert "the price is in USD" in str(refused.value) and "accounts in EUR" in str(refused.value)
    assert ticket_costs(engine, case.id) == []
