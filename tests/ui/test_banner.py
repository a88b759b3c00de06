"""Every page says which external systems are simulated, and says nothing when none is."""

from __future__ import annotations

from fastapi import FastAPI

from core.modes import AuthoritiesMode, BookingMode, EmbassyMode, PaymentsMode
from core.settings import NotificationsMode, PartnersMode, Settings
from tests.ui.conftest import Browser

BANNER = 'data-testid="simulator-banner"'


async def test_pages_show_the_simulator_banner_while_a_simulator_runs(browser: Browser) -> None:
    anonymous = await browser(None)
    login = await anonymous.get("/ui/login")
    assert BANNER in login.text
    assert "embassy, border guard and migration office, booking, payments" in login.text
    caseworker = await browser("caseworker")
    for path in ("/ui", "/ui/cases", "/ui/cases/new"):
        page = await caseworker.get(path)
        assert page.status_code == 200 and BANNER in page.text, path


async def test_no_banner_when_no_system_is_simulated(
    browser: Browser, web_app: FastAPI, settings: Settings
) -> None:
    # Booking has no real mode yet, so no settings validate with none simulated today:
    # model_copy (no validation) stands in for the day it has one.
    web_app.state.settings = settings.model_copy(update={
        "embassy": EmbassyMode.EMAIL, "authorities": AuthoritiesMode.EMAIL,
        "booking": BookingMode.DESK, "payments": PaymentsMode.CASH,
        "notifications": NotificationsMode.SMTP, "partners": PartnersMode.WEBHOOK,
    })
    assert web_app.state.settings.simulated_systems == []
    caseworker = await browser("caseworker")
    for path in ("/ui", "/ui/login"):
        page = await caseworker.get(path)
        assert page.status_code == 200 and BANNER not in page.text, path
