"""A real browser (Debian's Chromium, driven by Playwright) through the whole stack (the API
process, a worker and a Temporal server; tests/ui/browser_steps.py): a stuck case in the
supervisor's view. Screenshots in test-artifacts/screenshots (stuck-*)."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import DATABASES
from tests.ui.browser_steps import SHOTS, WIDE, api_process, chromium, shoot, signed_in, stack

__all__ = ["api_process", "chromium", "stack"]  # fixtures (tests/ui/browser_steps.py), by name
# One database only, as in test_browser.py: nothing here depends on which one is behind the API.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True),
]


async def test_a_stuck_case_shows_in_the_supervisor_view_with_its_reason(
    stack: str, chromium: Browser
) -> None:
    """A household opened after its voluntary-departure deadline has passed: the supervisor
    finds it among the stuck cases with that reason, hands it to another caseworker and
    reminds her, all from the stuck page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    missed = date.today() - timedelta(days=2)
    cw = await signed_in(chromium, stack, "caseworker")
    await cw.get_by_role("navigation").get_by_role("link", name="New case").click()
    await cw.get_by_label("Country of origin (2 letters)").fill("UA")
    await cw.get_by_label("Legal situation").select_option("irregular_stay")
    await cw.get_by_label("Where the household stays").select_option("community")
    await cw.get_by_label("Voluntary departure deadline").fill(missed.isoformat())
    principal = cw.locator("fieldset.person").first
    for label, value in {"Given name": "Olena", "Family name": "Koval",
                         "Date of birth": "1985-02-11", "Nationality (2 letters)": "UA"}.items():
        await principal.get_by_label(label, exact=True).fill(value)
    await principal.get_by_label("Sex").select_option("female")
    await cw.get_by_role("button", name="Open the case").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("opened")
    reference = await cw.get_by_test_id("reference").inner_text()

    sup = await signed_in(chromium, stack, "supervisor")
    await sup.get_by_role("navigation").get_by_role("link", name="Stuck cases").click()
    await expect(sup.get_by_role("heading", name="Stuck cases")).to_be_visible()
    card = sup.locator("article", has=sup.get_by_role("link", name=reference))
    deadline = time.monotonic() + 15  # the deadline is projected once the workflow has run
    while not await card.count():
        assert time.monotonic() < deadline, "the case never showed up among the stuck cases"
        await sup.reload()
    reasons = card.get_by_test_id("reasons")
    await expect(reasons).to_contain_text("deadline missed (critical")
    await expect(reasons).to_contain_text(f"voluntary-departure deadline {missed}")
    await shoot(sup, "stuck")

    # Handed to another caseworker, who is reminded; both are on the case's timeline.
    await card.get_by_label("Caseworker").select_option(label="Jānis Caseworker")
    await card.get_by_label("Reason", exact=True).fill("Anna is on leave")
    await card.get_by_role("button", name="Reassign").click()
    await expect(sup.get_by_test_id("done")).to_contain_text("assignment")
    card = sup.locator("article", has=sup.get_by_role("link", name=reference))
    await card.get_by_label("Message").fill("the deadline has passed: see the household this week")
    await card.get_by_role("button", name="Send reminder").click()
    await expect(sup.get_by_test_id("done")).to_contain_text("reminder")
    await card.get_by_role("link", name=reference).click()
    timeline = sup.locator("ol.timeline")
    deadline = time.monotonic() + 15  # timeline entries are written by the case's activities
    while "Anna is on leave" not in await timeline.inner_text():
        assert time.monotonic() < deadline, await timeline.inner_text()
        await sup.reload()
    await shoot(sup, "stuck-case-reassigned", (WIDE,))
