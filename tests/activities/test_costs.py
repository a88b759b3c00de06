"""Costs are booked by the activities that cause them, once however often they are retried."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.testing import ActivityEnvironment

from activities.booking import BookingActivities, SimulatedBooking
from activities.costs import CostActivities, book_cost, book_lines
from activities.embassy import EmbassyActivities, SimulatedEmbassy
from activities.payments import PaymentActivities, SimulatedPayments
from activities.simulation import ServiceUnavailable, SimulatorConfig
from models.costs import Cost
from models.enums import CostCategory
from models.external import BookingRequest, DocumentRequest, PaymentRequest
from models.funding import BookCostsInput, BudgetCheckInput, CostLine
from tests.factories import insert_case

ENV = ActivityEnvironment()


def costs(engine: Engine, case_id: str) -> list[tuple[CostCategory, Decimal, str]]:
    with Session(engine) as session:
        rows = session.exec(select(Cost).where(Cost.case_id == case_id).order_by(col(Cost.id)))
        return [(c.category, c.amount, c.currency) for c in rows]


def marks(engine: Engine, case_id: str) -> set[bool]:
    """Whether the case's costs are marked simulated (made up by a simulator)."""
    with Session(engine) as session:
        return set(session.exec(select(Cost.simulated).where(Cost.case_id == case_id)).all())


def booking(case_id: str, key: str = "k:booking:1", escort: bool = True) -> BookingRequest:
    return BookingRequest(
        case_id=case_id, booking_key=key, country_of_origin="GE", destination_city="Tbilisi",
        departure_date=date(2026, 12, 1), travellers=2, escort=escort, transit_assistance=False,
    )


async def test_a_booking_run_twice_books_its_tickets_and_escort_once(engine: Engine) -> None:
    case = insert_case(engine)
    sim = SimulatedBooking(SimulatorConfig(prices={"ticket": Decimal("410.50")}, price_spread=0))
    activities = BookingActivities(sim, engine)
    first = await ENV.run(activities.book_travel, booking(case.id))
    again = await ENV.run(activities.book_travel, booking(case.id))  # a retry
    assert again == first
    assert first.ticket_price == Decimal("821.00")  # two travellers at the configured price
    assert costs(engine, case.id) == [
        (CostCategory.TICKET, Decimal("821.00"), "EUR"),
        (CostCategory.ESCORT, Decimal("950.00"), "EUR"),
    ]
    # A rebooking is a new booking key: its tickets are a new cost, without an escort.
    await ENV.run(activities.book_travel, booking(case.id, "k:booking:2", escort=False))
    assert [c[0] for c in costs(engine, case.id)] == [
        CostCategory.TICKET, CostCategory.ESCORT, CostCategory.TICKET,
    ]
    assert marks(engine, case.id) == {True}  # a simulator's prices: not spending


async def test_ticket_prices_vary_by_booking_but_not_by_retry() -> None:
    sim = SimulatedBooking(SimulatorConfig(seed=1))
    prices = set()
    for i in range(5):
        one = await sim.book(booking("c", f"c:booking:{i}"))
        assert one.ticket_price == (await sim.book(booking("c", f"c:booking:{i}"))).ticket_price
        assert one.ticket_price is not None
        assert Decimal("570.00") <= one.ticket_price <= Decimal("950.00")  # 2 × 380 ± 25 %
        prices.add(one.ticket_price)
    assert len(prices) > 1


async def test_a_document_request_run_twice_books_one_fee(engine: Engine) -> None:
    case = insert_case(engine)
    activities = EmbassyActivities(SimulatedEmbassy(), engine)
    request = DocumentRequest(case_id=case.id, request_key=f"{case.id}:etd:1",
                              country_of_origin="GE", member_ids=["m1", "m2", "m3"])
    await ENV.run(activities.request_travel_document, request)
    await ENV.run(activities.request_travel_document, request)
    assert costs(engine, case.id) == [(CostCategory.DOCUMENT_FEE, Decimal("135.00"), "EUR")]
    assert marks(engine, case.id) == {True}


async def test_refused_document_request_costs_nothing(engine: Engine) -> None:
    case = insert_case(engine)
    activities = EmbassyActivities(SimulatedEmbassy(SimulatorConfig(refusal_rate=1)), engine)
    with pytest.raises(Exception, match="refuses"):
        await ENV.run(activities.request_travel_document, DocumentRequest(
            case_id=case.id, request_key="x", country_of_origin="GE", member_ids=["m1"]))
    assert costs(engine, case.id) == []


async def test_a_payment_that_crashed_after_paying_books_the_grant_once(engine: Engine) -> None:
    case = insert_case(engine)
    sim = SimulatedPayments()
    sim.crash_after_record = 1
    activities = PaymentActivities(sim, engine)
    pay = PaymentRequest(case_id=case.id, payment_id="p1", idempotency_key=f"{case.id}:p1",
                         amount=Decimal("450.00"), currency="EUR")
    with pytest.raises(ServiceUnavailable):
        await ENV.run(activities.pay_grant, pay)
    await ENV.run(activities.pay_grant, pay)
    await ENV.run(activities.pay_grant, pay)
    assert costs(engine, case.id) == [(CostCategory.CASH_GRANT, Decimal("450.00"), "EUR")]
    assert marks(engine, case.id) == {True}


async def test_book_costs_activity_and_helper_are_idempotent(engine: Engine) -> None:
    case = insert_case(engine)
    activities = CostActivities(engine)
    lines = BookCostsInput(costs=[
        CostLine(key=f"{case.id}:plan:1", case_id=case.id, category=CostCategory.REINTEGRATION,
                 amount=Decimal("1200.00"), incurred_on=date(2026, 3, 1),
                 description="small business: tools"),
        CostLine(key=f"{case.id}:arrival:1", case_id=case.id,
                 category=CostCategory.POST_ARRIVAL, amount=Decimal("80.10"),
                 incurred_on=date(2026, 2, 1), description="onward transport"),
    ])
    assert ENV.run(activities.book_costs, lines).booked == 2
    assert ENV.run(activities.book_costs, lines).booked == 0
    assert marks(engine, case.id) == {False}  # recorded by staff: spending
    with Session(engine) as session:
        cost, new = book_cost(session, key=f"{case.id}:plan:1", case_id=case.id,
                              category=CostCategory.REINTEGRATION, amount=Decimal(999),
                              incurred_on=date(2026, 3, 2), description="again")
    assert not new and cost.amount == Decimal("1200.00")  # the first booking stands
    figures = ENV.run(activities.reserve_budget, BudgetCheckInput(
        case_id=case.id, category=CostCategory.CASH_GRANT, amount=Decimal(1)))
    assert figures.consumed == Decimal("1280.10")
    assert figures.consumed_by_category[CostCategory.REINTEGRATION] == Decimal("1200.00")
    assert not figures.limited and figures.reserved  # the default project has no budget


def test_a_commitment_holds_budget_until_its_costs_are_booked_or_the_case_closes(
    engine: Engine,
) -> None:
    from models.enums import CaseStatus, Fund
    from models.tables import Case, Project

    with Session(engine) as session:
        session.add(Project(id="p-1000", fund=Fund.NATIONAL, code="K", title="K",
                            period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                            currency="EUR", total_budget=Decimal("1000.00"),
                            eu_share_percent=Decimal(0), national_share_percent=Decimal(100)))
        session.commit()
    a, b = insert_case(engine, project_id="p-1000"), insert_case(engine, project_id="p-1000")
    activities = CostActivities(engine)

    def reserve(case_id: str, amount: str, category: CostCategory = CostCategory.CASH_GRANT):
        return ENV.run(activities.reserve_budget, BudgetCheckInput(
            case_id=case_id, category=category, amount=Decimal(amount)))

    assert reserve(a.id, "600.00").reserved
    assert reserve(a.id, "600.00").reserved  # a retry replaces its own commitment
    refused = reserve(b.id, "500.00")  # 600 committed to a: 400 remain
    assert not refused.reserved
    assert (refused.committed, refused.remaining) == (Decimal("600.00"), Decimal("400.00"))
    assert reserve(b.id, "400.00").reserved
    # a's grant is paid: the cost replaces the commitment, nothing is counted twice.
    book_lines(engine, [CostLine(key="a:grant", case_id=a.id, category=CostCategory.CASH_GRANT,
                                 amount=Decimal("600.00"), incurred_on=date(2026, 5, 1),
                                 description="paid")])
    figures = reserve(a.id, "0.00", CostCategory.REINTEGRATION)
    assert (figures.consumed, figures.committed, figures.remaining) == (
        Decimal("600.00"), Decimal("400.00"), Decimal("0.00"),
    )
    # b closes before its grant is paid: its commitment no longer holds the budget.
    with Session(engine) as session:
        closed = session.get(Case, b.id)
        assert closed is not None
        closed.status = CaseStatus.CLOSED
        session.add(closed)
        session.commit()
    assert reserve(a.id, "400.00", CostCategory.REINTEGRATION).reserved
