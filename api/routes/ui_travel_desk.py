"""The travel desk's page: open booking requests, the longest waiting first, each with what
is needed to book it and the form to record the booking; below, the bookings it made that
can still change or be cancelled."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.routes.ui_worklists import Worklist, worklist
from api.travel_desk import open_request_rows, travellers
from api.web import queries

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)

FORMS = {"desk-booking", "desk-change", "desk-cancel"}


@worklist(router, "/travel-desk",
          "Booking requests to book, and the desk's bookings before departure.")
async def travel_desk(view: Worklist) -> Response:
    rows = open_request_rows(view.session)
    waiting = {case.id for _, case in rows}
    booked = [c for c in queries.booked(view.session) if c.id not in waiting]
    cases = [case for _, case in rows] + booked
    people = travellers(view.session, [c.id for c in cases])
    since = {case.id: task.since for task, case in rows}
    items = await view.items(cases)
    requests, bookings = [], []
    for item in items:
        # The live state decides (the projection of a decision just taken may lag behind it).
        state, case = item["state"], item["case"]
        item["offered"] = [a for a in item["offered"] if a.action.key in FORMS]
        item["people"], item["since"] = people.get(case.id, []), since.get(case.id)
        booking = state.active_booking if state is not None else None
        if state is not None and state.desk_request is not None:
            requests.append(item)
        elif booking is not None and booking.booked_by is not None:
            bookings.append(item)
        elif state is None and case.id in waiting:
            requests.append(item)
    return view.render("travel_desk.html", {"requests": requests, "bookings": bookings})
