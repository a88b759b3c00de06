"""In Chromium, through the whole stack with HOMEWARD_BOOKING=desk: the travel desk finds a
booking request on its page (travellers, passport, date), records the booking from there, and
the caseworker sees it on the case page (reference, flights, times). Screenshots go to
test-artifacts/screenshots: travel-desk-*.png and travel-desk-case-*.png."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.booking_desk import DeskBooking
from activities.clients import ExternalClients
from api.user_service import DEMO_PASSWORD
from core.settings import Settings
from tests.conftest import DATABASES
from tests.factories import CASE_JSON
from tests.ui.test_browser import WIDE, act, api_process, chromium, shoot, signed_in
from worker import build_worker

__all__ = ["api_process", "chromium"]  # fixtures, shared with test_browser.py

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True),
]


@pytest.fixture(autouse=True)
def desk_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API process runs with HOMEWARD_BOOKING=desk (its banner no longer names booking)."""
    monkeypatch.setenv("HOMEWARD_BOOKING", "desk")


@pytest.fixture
async def desk_stack(
    api_process: str, time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[str]:
    """The stack of test_browser.py with a worker whose booking system is a travel desk."""
    desk = ExternalClients(booking=DeskBooking())
    async with build_worker(time_env.client, settings, engine, clients=desk):
        yield api_process


async def as_user(base: str, username: str) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=base) as anonymous:
        token = (await anonymous.post("/auth/token", data={
            "username": username, "password": DEMO_PASSWORD})).json()
    return httpx.AsyncClient(base_url=base, timeout=30,
                             headers={"Authorization": f"Bearer {token['access_token']}"})


async def case_waiting_for_the_desk(base: str, departure: date) -> tuple[str, str]:
    """Through the API: a case with a valid passport, consent and clearance, then the
    caseworker asks for the booking. Returns its id and reference."""
    cw, sup = await as_user(base, "caseworker"), await as_user(base, "supervisor")
    principal = CASE_JSON["principal"] | {  # type: ignore[operator]
        "passport_number": "GE1234567", "passport_valid_until": "2031-05-01"}
    r = await cw.post("/cases", json=CASE_JSON | {"principal": principal},
                      headers={"Idempotency-Key": "desk-browser"})
    assert r.status_code == 201, r.text
    case_id, reference = r.json()["id"], r.json()["reference"]
    today = date.today().isoformat()
    for client, path, body in (
        (cw, "counselling-sessions", {"held_on": today, "place": "Mucenieki", "language": "ka"}),
        (cw, "intake/complete", None),
        (cw, "eligibility/assessment", {"eligible": True, "notes": "ok"}),
        (sup, "eligibility/decision", {"approve": True, "reason": "ok"}),
        (cw, "consent", {"declaration_signed_on": today, "share_with_authorities": True,
                         "share_with_partner": False, "witnessed_by": "N. K."}),
        (cw, "travel-documents/assessment", {"planned_departure": departure.isoformat()}),
        (cw, "clearance", {"kind": "exit_clearance", "confirmed_on": today, "reference": "BG"}),
        (cw, "bookings", {"departure_date": departure.isoformat()}),
    ):
        r = await client.post(f"/cases/{case_id}/{path}", json=body)
        assert r.status_code == 200, (path, r.text)
    await cw.aclose()
    await sup.aclose()
    return case_id, reference


async def desk_signed_in(browser: Browser, base: str) -> Page:
    context = await browser.new_context(base_url=base, viewport=WIDE)
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto("/ui/login")
    await page.get_by_label("Username").fill("traveldesk")
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_label("Password").press("Enter")
    await expect(page.get_by_test_id("signed-in")).to_contain_text("travel desk")
    return page


async def test_the_travel_desk_records_a_booking_the_caseworker_then_sees(
    desk_stack: str, chromium: Browser
) -> None:
    base = desk_stack
    departure = date.today() + timedelta(days=40)
    day = departure.isoformat()
    case_id, reference = await case_waiting_for_the_desk(base, departure)

    desk = await desk_signed_in(chromium, base)
    await expect(desk.get_by_test_id("simulator-banner")).not_to_contain_text("booking")
    await desk.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Travel desk").click()
    await expect(desk.get_by_role("heading", name="Travel desk", level=1)).to_be_visible()
    request = desk.get_by_test_id("desk-request")
    for _ in range(50):  # the projection follows the caseworker's request by a moment
        if await request.count():
            break
        await desk.wait_for_timeout(100)
        await desk.reload()
    await expect(request).to_contain_text(reference)
    await expect(request).to_contain_text(f"Depart on {day}")
    await expect(request).to_contain_text("Beridze, Giorgi")
    await expect(request).to_contain_text("GE1234567")
    await expect(request).to_contain_text("2031-05-01")
    segment = {"Flight 1: number": "TK1776", "Flight 1: from (IATA)": "RIX",
               "Flight 1: to (IATA)": "IST", "Flight 1: departs": f"{day}T10:05",
               "Flight 1: arrives": f"{day}T14:20", "Flight 2: number": "TK382",
               "Flight 2: from (IATA)": "IST", "Flight 2: to (IATA)": "TBS",
               "Flight 2: departs": f"{day}T16:00", "Flight 2: arrives": f"{day}T19:30"}
    form = desk.locator('form[data-action="desk-booking"]')
    # A mistyped airport is refused beside its field, with what was typed kept.
    await form.get_by_label("Booking reference", exact=True).fill("PNR7QX")
    for label, value in (segment | {"Flight 1: from (IATA)": "RIGA"}).items():
        await form.get_by_label(label, exact=True).fill(value)
    await form.get_by_label("Price (all tickets)", exact=True).fill("412.50")
    await form.get_by_role("button").click()
    await expect(desk.locator("#from_airport-0-error")).to_contain_text(
        "not an IATA airport code")
    await shoot(desk, "travel-desk")
    await act(desk, "desk-booking", {"Booking reference": "PNR7QX", **segment,
                                     "Price (all tickets)": "412.50", "Currency": "EUR"})
    booked = desk.get_by_test_id("desk-booking")
    await expect(booked).to_contain_text("booking PNR7QX")
    await expect(booked).to_contain_text(f"TK382 IST {day} 16:00 → TBS {day} 19:30")
    await shoot(desk, "travel-desk-booked")

    caseworker = await signed_in(chromium, base, "caseworker")
    await caseworker.goto(f"/ui/cases/{case_id}")
    row = caseworker.get_by_test_id("booking-row")
    await expect(row).to_contain_text("PNR7QX")
    await expect(row).to_contain_text("TK1776 RIX 10:05 → IST 14:20")
    await expect(row).to_contain_text("TK382 IST 16:00 → TBS 19:30")
    await expect(row).to_contain_text("412.50 EUR")
    await expect(row).to_contain_text(day)
    await expect(caseworker.get_by_text(f"confirmation of the departure on {day}")).to_be_visible()
    await shoot(caseworker, "travel-desk-case")
