"""In Chromium, in the caseworkers' languages: a Latvian caseworker (browser in Latvian) signs
in, sees the dashboard, opens a case and records a counselling session, a refused one shown
in Latvian first; then, switching from the header, the dashboard and the case page in
Russian, Lithuanian and Estonian. Each page's visible text is scanned for the interface's
English messages (tests/ui/test_languages.py). Screenshots: test-artifacts/screenshots/
language-<lang>-*.png. Reuses test_browser.py's stack and browser fixtures."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from temporalio.testing import WorkflowEnvironment

from api.user_service import DEMO_PASSWORD
from tests.conftest import DATABASES
from tests.tokens import bearer
from tests.ui.test_browser import (  # noqa: F401  (fixtures)
    PHONE,
    SHOTS,
    WIDE,
    api_process,
    chromium,
    shoot,
    stack,
)
from tests.ui.test_languages import english_left, visible_text

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True),
]

HEADINGS = {  # the dashboard's and a case page's first heading
    "lv": ("Pārskats", "Lieta"), "ru": ("Обзор", "Дело"),
    "lt": ("Suvestinė", "Byla"), "et": ("Töölaud", "Juhtum"),
}


async def no_english(page: Page, language: str) -> None:
    assert english_left(visible_text(await page.content()), language) == [], language


async def test_a_latvian_caseworker_and_the_pages_in_russian_lithuanian_estonian(
    stack: str, chromium: Browser, time_env: WorkflowEnvironment  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = max(date.today(), (await time_env.get_current_time()).date())
    async with httpx.AsyncClient(base_url=stack, timeout=30) as api:
        r = await api.post("/cases", headers=bearer("caseworker") | {
            "Idempotency-Key": "languages-1"}, json={
            "country_of_origin": "GE", "legal_situation": "rejected_asylum_seeker",
            "location_type": "reception_centre", "location_name": "Mucenieki",
            "preferred_language": "ka", "destination_city": "Tbilisi",
            "principal": {"given_name": "Nino", "family_name": "Beridze",
                          "date_of_birth": "1990-04-01", "sex": "female", "nationality": "GE"},
        })
    assert r.status_code in (200, 201), r.text
    case_url = f"/ui/cases/{r.json()['id']}"

    # The browser speaks Latvian: so does the sign-in page, before anyone is known.
    context = await chromium.new_context(base_url=stack, viewport=WIDE, locale="lv-LV")
    context.set_default_timeout(10_000)
    lv = await context.new_page()
    await lv.goto("/ui")
    await expect(lv.get_by_role("heading", name="Pieteikties")).to_be_visible()
    await no_english(lv, "lv")
    await lv.get_by_label("Lietotājvārds").fill("caseworker")
    await lv.get_by_label("Parole").fill(DEMO_PASSWORD)
    await lv.get_by_role("button", name="Pieteikties").click()
    await expect(lv.get_by_role("heading", name="Pārskats", exact=True)).to_be_visible()
    await expect(lv.get_by_test_id("signed-in")).to_contain_text("lietas vadītājs")
    await no_english(lv, "lv")
    await shoot(lv, "language-lv-dashboard", (WIDE, PHONE))

    await lv.goto(case_url)
    await expect(lv.get_by_test_id("stage")).to_have_text("uzņemšana")
    form = lv.locator('form[data-action="counselling"]')
    await expect(form.get_by_role("heading")).to_have_text("Reģistrēt konsultāciju")
    # Tomorrow: the workflow refuses, and says why in Latvian.
    await form.get_by_label("Notika").fill((today + timedelta(days=1)).isoformat())
    await form.get_by_label("Vieta").fill("Rīga")
    await form.get_by_label("Valoda", exact=True).fill("ka")
    await form.get_by_role("button", name="Reģistrēt").click()
    await expect(lv.get_by_test_id("refusal")).to_have_text(
        "Atteikts: konsultāciju nevar reģistrēt ar datumu nākotnē")
    await no_english(lv, "lv")
    await lv.get_by_test_id("refusal").scroll_into_view_if_needed()
    await shoot(lv, "language-lv-refusal", (WIDE,))
    form = lv.locator('form[data-action="counselling"]')
    await form.get_by_label("Notika").fill(today.isoformat())
    await form.get_by_role("button", name="Reģistrēt").click()
    await expect(lv.get_by_test_id("done")).to_contain_text("Izpildīts")
    await expect(lv.locator('form[data-action="complete-intake"]').get_by_role("button")
                 ).to_have_text("Pabeigt uzņemšanu")
    await no_english(lv, "lv")
    await shoot(lv, "language-lv-case", (WIDE, PHONE))

    # The switcher in the header, then the same pages in the other languages.
    for language in ("ru", "lt", "et"):
        await lv.get_by_label({"ru": "Valoda", "lt": "Язык", "et": "Kalba"}[language],
                              exact=True).first.select_option(language)
        dashboard, case = HEADINGS[language]
        await expect(lv.locator("html")).to_have_attribute("lang", language)
        await lv.goto("/ui")
        await expect(lv.get_by_role("heading", level=1)).to_have_text(dashboard)
        await no_english(lv, language)
        await shoot(lv, f"language-{language}-dashboard", (WIDE,))
        await lv.goto(case_url)
        await expect(lv.get_by_role("heading", level=1)).to_contain_text(case)
        await no_english(lv, language)
        await shoot(lv, f"language-{language}-case", (WIDE,))
    await context.close()
