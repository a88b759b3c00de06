"""The travel booking system: book and cancel itineraries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity

from activities.costs import book_lines_async
from activities.simulation import Clock, Simulator, SimulatorConfig, refusal, simulates
from models.desk import DeskCostInput
from models.enums import CostCategory
from models.external import (
    BOOKING_REFUSED,
    PRICE_CURRENCY_REFUSED,
    BookingRequest,
    BookingResult,
    CancelBooking,
    CancelBookingResult,
)
from models.funding import CostLine
from models.tables import Case, Project
from workflows.refusals import refusal as coded_refusal


class BookingClient(Protocol):
    async def book(self, data: BookingRequest) -> BookingResult: ...
    async def cancel(self, data: CancelBooking) -> CancelBookingResult: ...


TICKET_PRICE = Decimal("380.00")  # one traveller, one way (Riga - Tbilisi via a hub)
ESCORT_PRICE = Decimal("950.00")  # an escort's return trip and per diem


class SimulatedBooking(Simulator):
    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.bookings: dict[str, BookingResult] = {}  # by booking key
        self.cancelled: list[str] = []

    async def book(self, data: BookingRequest) -> BookingResult:
        await self.call("booking")
        if data.booking_key in self.bookings:
            return self.bookings[data.booking_key]
        if self.refuses():
            raise refusal(
                f"no seats to {data.country_of_origin} on {data.departure_date}", BOOKING_REFUSED
            )
        result = BookingResult(
            booking_ref=self.reference("BK"),
            flight=f"SIM{self.rng.randrange(100, 999)}",
            departure_date=data.departure_date,
            ticket_price=data.travellers
            * self.price("ticket", TICKET_PRICE, data.booking_key, spread=True),
            escort_price=self.price("escort", ESCORT_PRICE) if data.escort else None,
        )
        self.bookings[data.booking_key] = result
        return result

    async def cancel(self, data: CancelBooking) -> CancelBookingResult:
        await self.call("booking")
        known = any(b.booking_ref == data.booking_ref for b in self.bookings.values())
        if known and data.booking_ref not in self.cancelled:
            self.cancelled.append(data.booking_ref)
        return CancelBookingResult(cancelled=known)

    @property
    def active(self) -> list[str]:
        return [
            b.booking_ref for b in self.bookings.values() if b.booking_ref not in self.cancelled
        ]


def project_of(engine: Engine, case_id: str) -> Project | None:
    with Session(engine, expire_on_commit=False) as session:
        case = session.get(Case, case_id)
        return session.get(Project, case.project_id) if case else None


async def refuse_other_currency(engine: Engine, case_id: str, currency: str, what: str) -> None:
    """A recorded amount (``what``: "price", "fee") in another currency than the case's
    project keeps its accounts in is refused, never converted."""
    project = await asyncio.to_thread(project_of, engine, case_id)
    currency = currency.upper()
    if project is not None and project.currency != currency:
        raise coded_refusal(
            f"{what}_other_currency", error_type=PRICE_CURRENCY_REFUSED, currency=currency,
            project=project.code, project_currency=project.currency,
        )


class BookingActivities:
    def __init__(self, client: BookingClient, engine: Engine | None = None) -> None:
        self._client = client
        self._engine = engine  # the cost ledger's database

    @activity.defn(name="book_travel")
    async def book_travel(self, data: BookingRequest) -> BookingResult:
        """Book the itinerary and its ticket (and escort) costs; the booking key makes a
        retried call return the same booking and book no cost twice."""
        result = await self._client.book(data)
        today, simulated = datetime.now(UTC).date(), simulates(self._client)
        lines = []
        if result.ticket_price is not None:
            lines.append(CostLine(
                key=f"{data.booking_key}:ticket", case_id=data.case_id,
                category=CostCategory.TICKET, amount=result.ticket_price, incurred_on=today,
                description=f"tickets for {data.travellers} traveller(s), booking "
                f"{result.booking_ref}, departure {result.departure_date}",
                simulated=simulated,
            ))
        if result.escort_price is not None:
            lines.append(CostLine(
                key=f"{data.booking_key}:escort", case_id=data.case_id,
                category=CostCategory.ESCORT, amount=result.escort_price, incurred_on=today,
                description=f"escort for booking {result.booking_ref}", simulated=simulated,
            ))
        await book_lines_async(self._engine, lines)
        return result

    @activity.defn(name="cancel_booking")
    async def cancel_booking(self, data: CancelBooking) -> CancelBookingResult:
        """Compensation: cancel a booking; cancelling twice is harmless."""
        return await self._client.cancel(data)

    @activity.defn(name="book_desk_price")
    async def book_desk_price(self, data: DeskCostInput) -> None:
        """The price a travel desk recorded, booked as the ticket cost under the booking's key
        (a retry books nothing twice); a price in another currency than the project's is
        refused, never converted."""
        if self._engine is None:
            return
        await refuse_other_currency(self._engine, data.case_id, data.currency, "price")
        await book_lines_async(self._engine, [CostLine(
            key=f"{data.key}:ticket", case_id=data.case_id, category=CostCategory.TICKET,
            amount=data.price, incurred_on=datetime.now(UTC).date(),
            description=f"tickets for {data.travellers} traveller(s), booking "
            f"{data.booking_ref}, departure {data.departure_date} (travel desk)",
        )])
