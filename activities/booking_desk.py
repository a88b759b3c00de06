"""HOMEWARD_BOOKING=desk: a travel desk (operations staff or a contracted agency) books by hand.

Why an update the workflow waits for, not Temporal's asynchronous activity completion: the
desk's answer is a decision like any other (``workflows/phases/travel_desk.py``). As an update
it has a validator (refused before it touches history, the reason back to the desk as a 409),
is audited and goes through the access policy like every route, and survives worker restarts
and continue-as-new because the open request is part of the case's state. Async completion
would need the activity's task token stored somewhere, would bypass the validators and the
policy, and an activity left open for days would hold a timeout that has nothing to do with
how long a desk takes (its SLA and reminders are the task's, as for every other task).

So ``book`` only says "the desk books this": the workflow keeps the request open as the travel
desk's task, whose page reads what it needs to book from the database.
"""

from __future__ import annotations

from models.external import BookingRequest, BookingResult, CancelBooking, CancelBookingResult


class DeskBooking:
    async def book(self, data: BookingRequest) -> BookingResult:
        return BookingResult(departure_date=data.departure_date, desk=True)

    async def cancel(self, data: CancelBooking) -> CancelBookingResult:
        # The desk cancels with the airline by hand; the workflow reminds it (effects.py).
        return CancelBookingResult(cancelled=False)
