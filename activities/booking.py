"""The travel booking system: book and cancel itineraries."""

from __future__ import annotations

from typing import Protocol

from temporalio import activity

from activities.simulation import Clock, Simulator, SimulatorConfig, refusal
from models.external import (
    BOOKING_REFUSED,
    BookingRequest,
    BookingResult,
    CancelBooking,
    CancelBookingResult,
)


class BookingClient(Protocol):
    async def book(self, data: BookingRequest) -> BookingResult: ...
    async def cancel(self, data: CancelBooking) -> CancelBookingResult: ...


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


class BookingActivities:
    def __init__(self, client: BookingClient) -> None:
        self._client = client

    @activity.defn(name="book_travel")
    async def book_travel(self, data: BookingRequest) -> BookingResult:
        """Book the itinerary; the booking key makes a retried call return the same booking."""
        return await self._client.book(data)

    @activity.defn(name="cancel_booking")
    async def cancel_booking(self, data: CancelBooking) -> CancelBookingResult:
        """Compensation: cancel a booking; cancelling twice is harmless."""
        return await self._client.cancel(data)
