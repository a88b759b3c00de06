"""In Chromium: a case opened with a misspelt name is corrected with a reason on the case page
(the Changes section shows who, when, old and new), trafficking indicators come up in the
second counselling session and are recorded as a later finding, and its two steps show on
the page and block the departure until they are done. Screenshots in
test-artifacts/screenshots (correction-*, finding-blocks-departure-*). Reuses test_browser.py's
stack and browser fixtures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, expect
from temporalio.testing import WorkflowEnvironment

from tests.conftest import DATABASES
from tests.ui.test_browser import (  # noqa: F401  (fixtures)
    SHOTS,
    WIDE,
    act,
    api_process,
    chromium,
    shoot,
    signed_in,
    stack,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True),
]


async def test_a_misspelt_name_corrected_and_a_later_finding_blocks_departure(
    stack: str, chromium: Browser, time_env: WorkflowEnvironment  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = max(date.today(), (await time_env.get_current_time()).date())
    cw = await signed_in(chromium, stack, "caseworker")
    await cw.get_by_role("navigation").get_by_role("link", name="New case").click()
    await cw.get_by_label("Country of origin (2 letters)").fill("GE")
    await cw.get_by_label("Legal situation").select_option("rejected_asylum_seeker")
    await cw.get_by_label("Where the household stays").select_option("reception_centre")
    await cw.get_by_label("Destination city").fill("Tbilisi")
    principal = cw.locator("fieldset.person").first
    for label, value in {"Given name": "Nino", "Family name": "Bredize",
                         "Date of birth": "1990-04-01", "Nationality (2 letters)": "GE",
                         "Passport number": "GE1234567", "Passport valid until": "2031-01-01"}.items():
        await principal.get_by_label(label, exact=True).fill(value)
    await principal.get_by_label("Sex").select_option("female")
    await cw.get_by_role("button", name="Open the case").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("opened")
    case_url = cw.url.split("?")[0]
    reference = await cw.get_by_test_id("reference").inner_text()

    # The passport says Beridze: corrected with the reason, the old spelling kept.
    await cw.get_by_text("Correct Nino Bredize").click()
    form = cw.get_by_test_id("correct-form")
    await form.get_by_label("Family name", exact=True).fill("Beridze")
    await form.get_by_label("Reason for the correction").fill("spelt as in her passport")
    await form.get_by_role("button", name="Save the correction").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("person corrected")
    change = cw.get_by_test_id("change")
    await expect(change).to_have_count(1)
    for text in ("Anna Caseworker", "Nino Beridze", "family name", "Bredize", "Beridze",
                 "spelt as in her passport"):
        await expect(change).to_contain_text(text)
    await cw.locator("#changes").scroll_into_view_if_needed()
    await shoot(cw, "correction")

    # Two counselling sessions; in the second, trafficking indicators come up.
    await act(cw, "counselling", {"Place": "Mucenieki", "Language": "ka"})
    await act(cw, "counselling", {"Place": "Mucenieki", "Language": "ka"})
    await act(cw, "finding", {"Vulnerability": "trafficking_victim", "Finding": "true",
                              "Reason": "indicators disclosed in the second session"})
    steps = cw.locator("#hh-h + .table-wrap ~ ul").first
    await expect(steps).to_contain_text("risk assessment for Nino Beridze: open")
    await expect(steps).to_contain_text("specialised referral for Nino Beridze: open")
    await act(cw, "complete-intake")
    await act(cw, "eligibility-assessment", {"Notes": "rejected claim, wishes to return"})
    sup = await signed_in(chromium, stack, "supervisor")
    await sup.goto(case_url)
    await act(sup, "eligibility-decision", {"Reason": "meets the criteria"})
    await cw.goto(case_url)
    await act(cw, "consent", {"Witnessed by": "the counsellor"},
              ("Consents to sharing data with the authorities",
               "Consents to sharing data with the partner"))
    await expect(cw.get_by_test_id("awaiting")).to_contain_text("2 vulnerability step(s)")
    await act(cw, "documents-assessment",
              {"Planned departure": (today + timedelta(days=30)).isoformat()})
    await act(cw, "clearance", {"Reference": "BG-EXIT-1"})
    await act(cw, "booking", {"Departure date": (today + timedelta(days=1)).isoformat()})
    await expect(cw.get_by_text("departure blocked: 2 vulnerability step(s) outstanding")
                 ).to_be_visible()
    await shoot(cw, "finding-blocks-departure")

    # The flight day: the border guard finds the household, but no departure to confirm
    # while the steps are open (the page offers only what the workflow would accept).
    await time_env.sleep(timedelta(days=1, hours=1))
    guard = await signed_in(chromium, stack, "borderguard")
    await guard.get_by_role("navigation").get_by_role("link", name="Departures").click()
    await expect(guard.get_by_role("heading", name=reference)).to_be_visible()
    await expect(guard.locator('form[data-action="departure"]')).to_have_count(0)
    await shoot(guard, "finding-blocks-departure-guard", (WIDE,))

    # Both steps done: the departure can be confirmed.
    await cw.goto(case_url)
    for _ in range(2):
        step = cw.locator('form[data-action="vulnerability-step"]').first
        await step.get_by_label("Notes").fill("done with the anti-trafficking NGO")
        await step.get_by_role("button").click()
        await expect(cw.get_by_test_id("done")).to_contain_text("vulnerability step")
    await guard.reload()
    await act(guard, "departure")
