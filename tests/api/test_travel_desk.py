"""The travel desk's routes (HOMEWARD_BOOKING=desk): its open requests with what it needs to
book, and its decisions with their refusals (wrong role, bad airport, booked twice)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.booking_desk import DeskBooking
from activities.clients import ExternalClients
from api.main import create_app
from core.settings import Settings
from models.users import User
from tests.api.decision_cases import case_after_consent
from tests.tokens import bearer
from worker import build_worker

CASEWORKER, DESK = bearer("caseworker"), bearer("traveldesk")
PASSPORT = {"passport_number": "GE1234567", "passport_valid_until": "2031-05-01"}


@pytest.fixture
async def desk_api(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> AsyncIterator[httpx.AsyncClient]:
    """The API with a worker whose booking system is the travel desk."""
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    desk = ExternalClients(booking=DeskBooking())
    async with (build_worker(dev_env.client, settings, engine, clients=desk),
                app.router.lifespan_context(app)):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://homeward.test",
                                     headers=CASEWORKER) as client:
            yield client


async def case_with_a_desk_request(api: httpx.AsyncClient, departure: date) -> str:
    """Consent, documents (a valid passport), clearance, then the caseworker asks to book."""
    from tests.factories import CASE_JSON

    principal = CASE_JSON["principal"] | PASSPORT  # type: ignore[operator]
    case_id = await case_after_consent(api, principal=principal)
    for path, body in (
        ("travel-documents/assessment", {"planned_departure": departure.isoformat()}),
        ("clearance", {"kind": "exit_clearance", "confirmed_on": date.today().isoformat(),
                       "reference": "BG-7"}),
        ("bookings", {"departure_date": departure.isoformat(), "transit_assistance": True}),
    ):
        r = await api.post(f"/cases/{case_id}/{path}", json=body)
        assert r.status_code == 200, (path, r.text)
    return case_id


async def requests_once_projected(api: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    """The desk's list, once the projection (written just after a decision) shows ``count``."""
    for _ in range(100):
        listed: list[dict[str, Any]] = (await api.get("/travel-desk/requests",
                                                      headers=DESK)).json()
        if len(listed) == count:
            break
        await asyncio.sleep(0.05)
    return listed


def booking(departure: date, **overrides: Any) -> dict[str, Any]:
    day = departure.isoformat()
    return {
        "booking_ref": "PNR7QX", "price": "412.50", "currency": "EUR",
        "segments": [
            {"flight_number": "TK1776", "from_airport": "RIX", "to_airport": "IST",
             "departs_at": f"{day}T10:05", "arrives_at": f"{day}T14:20"},
            {"flight_number": "TK382", "from_airport": "IST", "to_airport": "TBS",
             "departs_at": f"{day}T16:00", "arrives_at": f"{day}T19:30"},
        ],
    } | overrides


async def test_the_desk_lists_requests_and_records_a_booking_once(
    desk_api: httpx.AsyncClient,
) -> None:
    departure = date.today() + timedelta(days=40)
    case_id = await case_with_a_desk_request(desk_api, departure)

    assert (await desk_api.get("/travel-desk/requests")).status_code == 403  # a caseworker
    listed = await requests_once_projected(desk_api, 1)
    assert [r["case_id"] for r in listed] == [case_id]
    request = listed[0]
    assert request["departure_date"] == departure.isoformat()
    assert request["destination_city"] == "Tbilisi" and request["destination_country"] == "GE"
    assert request["transit_assistance"] is True and request["escort"] is False
    (giorgi,) = request["travellers"]
    assert (giorgi["family_name"], giorgi["date_of_birth"], giorgi["passport_number"],
            giorgi["passport_valid_until"]) == ("Beridze", "1988-04-12", "GE1234567", "2031-05-01")

    url = f"/cases/{case_id}/travel-desk/booking"
    assert (await desk_api.post(url, json=booking(departure))).status_code == 403  # caseworker
    bad = booking(departure)
    bad["segments"][0]["from_airport"] = "RIGA"
    r = await desk_api.post(url, json=bad, headers=DESK)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "segments", 0, "from_airport"]
    assert "not an IATA airport code" in r.json()["detail"][0]["msg"]

    r = await desk_api.post(url, json=booking(departure), headers=DESK)
    assert r.status_code == 200, r.text
    active = [b for b in r.json()["bookings"] if b["status"] == "booked"]
    assert active[0]["booking_ref"] == "PNR7QX" and active[0]["flight"] == "TK1776 / TK382"
    r = await desk_api.post(url, json=booking(departure, booking_ref="PNR8ZZ"), headers=DESK)
    assert r.status_code == 409
    assert r.json()["detail"] == ("booking PNR7QX is already recorded for this case: record a "
                                  "change or a cancellation instead")
    assert await requests_once_projected(desk_api, 0) == []

    live = (await desk_api.get(f"/cases/{case_id}")).json()["live"]
    assert live["awaiting"] == (
        f"the border guard's confirmation of the departure on {departure.isoformat()}")
    costs = (await desk_api.get(f"/cases/{case_id}/costs")).json()
    tickets = [c for c in costs["data"] if c["category"] == "ticket"]
    assert [(t["amount"], t["currency"]) for t in tickets] == [("412.50", "EUR")]


async def test_a_change_and_a_cancellation_through_the_api(desk_api: httpx.AsyncClient) -> None:
    departure = date.today() + timedelta(days=40)
    case_id = await case_with_a_desk_request(desk_api, departure)
    r = await desk_api.post(f"/cases/{case_id}/travel-desk/booking", json=booking(departure),
                            headers=DESK)
    assert r.status_code == 200, r.text
    later = (departure + timedelta(days=1)).isoformat()
    change = {"booking_ref": "PNR7QX", "reason": "schedule change", "segments": [
        {"flight_number": "BT 722", "from_airport": "rix", "to_airport": "tbs",
         "departs_at": f"{later}T07:00", "arrives_at": f"{later}T11:45"}]}
    r = await desk_api.post(f"/cases/{case_id}/travel-desk/change", json=change, headers=DESK)
    assert r.status_code == 200, r.text
    booked = next(b for b in r.json()["bookings"] if b["status"] == "booked")
    assert booked["departure_date"] == later and booked["flight"] == "BT722"
    assert booked["segments"][0]["from_airport"] == "RIX"
    r = await desk_api.post(f"/cases/{case_id}/travel-desk/cancellation", headers=DESK,
                            json={"booking_ref": "PNR7QX", "reason": "the returnee is ill"})
    assert r.status_code == 200, r.text
    assert r.json()["awaiting"] == "the travel booking"
    r = await desk_api.post(f"/cases/{case_id}/travel-desk/cancellation", headers=DESK,
                            json={"booking_ref": "PNR7QX", "reason": "again"})
    assert r.status_code == 409 and "not the case's active booking" in r.json()["detail"]


async def test_the_e_ticket_is_a_ticket_document_of_the_case(desk_api: httpx.AsyncClient) -> None:
    departure = date.today() + timedelta(days=40)
    case_id = await case_with_a_desk_request(desk_api, departure)
    # As the desk works: from its list, which shows the request once it is projected.
    assert len(await requests_once_projected(desk_api, 1)) == 1
    r = await desk_api.post(f"/travel-desk/cases/{case_id}/e-ticket", headers=DESK,
                            files={"file": ("ticket.pdf", b"%PDF-1.7\n e-ticket", "application/pdf")})
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "ticket"
    ticket = r.json()["id"]
    url = f"/cases/{case_id}/travel-desk/booking"
    r = await desk_api.post(url, json=booking(departure, eticket_document_id="no-such-document"),
                            headers=DESK)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "eticket_document_id"]
    r = await desk_api.post(url, json=booking(departure, eticket_document_id=ticket), headers=DESK)
    assert r.status_code == 200, r.text
    active = next(b for b in r.json()["bookings"] if b["status"] == "booked")
    assert active["eticket_document_id"] == ticket
    documents = (await desk_api.get(f"/cases/{case_id}/documents")).json()["data"]
    assert [(d["id"], d["kind"]) for d in documents] == [(ticket, "ticket")]  # staff see it
