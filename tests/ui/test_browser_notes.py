"""In Chromium: a caseworker writes a note on a case page, finds the case from the case list
by a Cyrillic spelling of the Latin-script name, and opening a case for the same man (typed in
Cyrillic) names the first as a possible earlier case. Screenshots in
test-artifacts/screenshots (notes-*, person-search-*, earlier-case-*). Reuses test_browser.py's
stack and browser fixtures."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import DATABASES
from tests.ui.test_browser import (  # noqa: F401  (fixtures)
    SHOTS,
    WIDE,
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


async def test_a_note_a_person_found_in_cyrillic_and_an_earlier_case_named(
    stack: str, chromium: Browser  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    cw = await signed_in(chromium, stack, "caseworker")
    await open_household(cw, "Jānis", "Bērziņš")
    reference = await cw.get_by_test_id("reference").inner_text()

    notes = cw.locator("#notes")
    await notes.get_by_label("New note").fill("Wishes to return before the school year.")
    await notes.get_by_role("button", name="Add the note").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("note added")
    await notes.get_by_label("New note").fill("Disclosed debts to a recruiter in Riga.")
    await notes.get_by_label("Restricted: supervisors and the assigned caseworker only").check()
    await notes.get_by_role("button", name="Add the note").click()
    await expect(cw.get_by_test_id("note")).to_have_count(2)
    newest = cw.get_by_test_id("note").first
    await expect(newest.get_by_test_id("note-text")).to_have_text(
        "Disclosed debts to a recruiter in Riga.")
    await expect(newest).to_contain_text("restricted")
    await expect(newest.get_by_test_id("note-author")).to_have_text("Anna Caseworker")
    await expect(cw.get_by_test_id("note-edit")).to_have_count(2)  # both still changeable
    await notes.scroll_into_view_if_needed()
    await shoot(cw, "notes")

    await cw.get_by_role("navigation").get_by_role("link", name="Cases", exact=True).click()
    await cw.get_by_label("Person").fill("Берзиньш")
    await cw.get_by_role("button", name="Search").click()
    await expect(cw.get_by_test_id("case-count")).to_have_text("1 case")
    await expect(cw.get_by_role("link", name=reference)).to_be_visible()
    await shoot(cw, "person-search")
    await cw.get_by_role("link", name=reference).click()
    await expect(cw.get_by_test_id("reference")).to_have_text(reference)

    # He comes back a year later; his name is typed from his Russian papers.
    await open_household(cw, "Янис", "Берзиньш")
    notice = cw.get_by_test_id("earlier-case")
    await expect(notice).to_contain_text(f"Possible earlier case {reference} (active: intake)")
    await shoot(cw, "earlier-case", (WIDE,))
    await notice.get_by_role("link", name=reference).click()
    await expect(cw.get_by_test_id("reference")).to_have_text(reference)


async def open_household(cw: Page, given: str, family: str) -> None:
    """Open a case for one man born on 1980-02-01 through the new-case form."""
    await cw.get_by_role("navigation").get_by_role("link", name="New case").click()
    await cw.get_by_label("Country of origin (2 letters)").fill("LV")
    await cw.get_by_label("Legal situation").select_option("irregular_stay")
    await cw.get_by_label("Where the household stays").select_option("community")
    principal = cw.locator("fieldset.person").first
    for label, value in {"Given name": given, "Family name": family,
                         "Date of birth": "1980-02-01", "Nationality (2 letters)": "LV"}.items():
        await principal.get_by_label(label, exact=True).fill(value)
    await principal.get_by_label("Sex").select_option("male")
    await cw.get_by_role("button", name="Open the case").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("opened")
