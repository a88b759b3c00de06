"""A real browser (Debian's Chromium, driven by Playwright) through the whole stack: the API
process, a worker and a Temporal server. Screenshots of the key pages, at 1280px and 390px,
go to test-artifacts/screenshots (printed by the test).

The Temporal server is the time-skipping test server, so a day can pass between booking a
flight and the border guard confirming the departure (a dev server runs on the wall clock).
The worker is built by worker.build_worker in this process, since the test server has no
Schedules for worker.main to create; the API is its own uvicorn process as in production.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from activities.clients import clients_from
from activities.partners import PortalPartners
from api.user_service import DEMO_PASSWORD
from core.settings import Settings
from models.partners import Partner
from models.users import User
from tests.api.test_health import free_port
from tests.conftest import DATABASES
from worker import build_worker

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
# One database only, to keep the browser's wall time small: the pages' queries run on both
# databases in test_pages.py, and nothing here depends on which one is behind the API.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True),
]


@pytest.fixture
def api_process(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User],
    tmp_path: Path,
) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "HOMEWARD_TEMPORAL_ADDRESS": time_env.client.service_client.config.target_host,
        "HOMEWARD_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "HOMEWARD_DATABASE_URL": settings.database_url,
        "HOMEWARD_DATA_DIR": str(tmp_path),
        "HOMEWARD_LOG_FORMAT": "json",
    }
    log = tmp_path / "api.log"
    with log.open("w") as out:
        api = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert api.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base
    finally:
        api.terminate()
        try:
            api.wait(timeout=20)
        except subprocess.TimeoutExpired:
            api.kill()


@pytest.fixture
async def stack(
    api_process: str, time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[str]:
    # Partners on Homeward's own partner page, as docker-compose.yml runs them.
    clients = clients_from(settings, engine)
    clients.partners = PortalPartners(engine, clients.notifications)
    async with build_worker(time_env.client, settings, engine, clients=clients):
        yield api_process


@pytest.fixture
async def chromium(chromium_process: Browser) -> AsyncIterator[Browser]:
    """The test process's browser (tests/ui/conftest.py); what a test opened in it is closed
    after the test, so no page of a stopped stack goes on running."""
    yield chromium_process
    for context in chromium_process.contexts:
        await context.close()


async def signed_in(browser: Browser, base: str, username: str) -> Page:
    """A browser of its own for the user, signed in with the keyboard only."""
    context = await browser.new_context(base_url=base, viewport=WIDE)
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto("/ui")  # not signed in: the sign-in form, then back to the dashboard
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.keyboard.type(username)  # the username field has the focus
    await page.keyboard.press("Tab")
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("signed-in")).to_contain_text(username.rstrip("0123456789").replace("borderguard", "border guard"))
    return page


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
    .filter(e => e.type !== "hidden" && !(e.labels && e.labels.length) && !e.getAttribute("aria-label"))
    .map(e => e.name || e.id || e.outerHTML.slice(0, 80))"""


async def shoot(page: Page, name: str, widths: tuple[dict[str, int], ...] = (WIDE, PHONE)) -> None:
    # Every field on the page has a label a screen reader announces.
    assert await page.evaluate(UNLABELLED) == [], f"{name}: fields without a label"
    for size in widths:
        await page.set_viewport_size(size)
        if size == PHONE:
            # Nothing sticks out sideways on a phone: no horizontal scrolling.
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} is {overflow}px too wide at 390px"
        await page.screenshot(path=SHOTS / f"{name}-{size['width']}.png", full_page=True)
    await page.set_viewport_size(WIDE)


async def act(page: Page, action: str, fields: dict[str, str] | None = None,
              ticks: tuple[str, ...] = ()) -> None:
    """Fill one action form by its labels and send it; the page confirms it was done."""
    form = page.locator(f'form[data-action="{action}"]')
    await expect(form).to_be_visible()
    for label, value in (fields or {}).items():
        field = form.get_by_label(label, exact=True)
        if await field.evaluate("e => e.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    for label in ticks:
        await form.get_by_label(label).check()
    await form.get_by_role("button").click()
    await expect(page.get_by_test_id("done")).to_contain_text(action.replace("-", " "))


async def test_a_household_from_first_counselling_to_its_first_monitoring_visit(
    stack: str, chromium: Browser, time_env: WorkflowEnvironment, engine: Engine
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SHOTS}")
    # The test server's clock: an earlier test in the session may have moved it on.
    today = max(date.today(), (await time_env.get_current_time()).date())
    cw = await signed_in(chromium, stack, "caseworker")
    await expect(cw.get_by_test_id("signed-in")).to_contain_text("Anna Caseworker")
    await expect(cw.get_by_test_id("signed-in")).to_contain_text("caseworker")

    # A household of two: the child is added in the form, a third person added and removed.
    await cw.get_by_role("navigation").get_by_role("link", name="New case").click()
    await cw.get_by_label("Country of origin (2 letters)").fill("GE")
    await cw.get_by_label("Legal situation").select_option("rejected_asylum_seeker")
    await cw.get_by_label("Where the household stays").select_option("reception_centre")
    await cw.get_by_label("Destination city").fill("Tbilisi")
    principal = cw.locator("fieldset.person").first
    for label, value in {"Given name": "Nino", "Family name": "Beridze",
                         "Date of birth": "1990-04-01", "Nationality (2 letters)": "GE",
                         "Passport number": "GE1234567", "Passport valid until": "2031-01-01"}.items():
        await principal.get_by_label(label, exact=True).fill(value)
    await principal.get_by_label("Sex").select_option("female")
    await cw.get_by_role("button", name="Add a household member").click()
    await cw.get_by_role("button", name="Add a household member").click()
    members = cw.locator("fieldset[data-dependant]")
    await expect(members).to_have_count(2)
    await members.nth(0).get_by_role("button", name="Remove this person").click()
    await expect(members).to_have_count(1)
    child = members.nth(0)
    for label, value in {"Given name": "Luka", "Family name": "Beridze",
                         "Date of birth": "2016-05-20", "Nationality (2 letters)": "G1",
                         "Passport number": "GE7654321", "Passport valid until": "2031-01-01"}.items():
        await child.get_by_label(label, exact=True).fill(value)
    await child.get_by_label("Sex").select_option("male")
    await child.get_by_label("Relationship").select_option("child")
    await cw.get_by_role("button", name="Open the case").click()
    # The error is beside the child's nationality; nothing typed is lost.
    await expect(cw.get_by_test_id("form-errors")).to_be_visible()
    child = cw.locator("fieldset[data-dependant]").nth(0)
    await expect(child.locator(".error")).to_contain_text("two-letter")
    await expect(child.get_by_label("Given name", exact=True)).to_have_value("Luka")
    await expect(cw.locator("fieldset.person").first.get_by_label("Given name", exact=True)).to_have_value("Nino")
    await shoot(cw, "new-case-error", (PHONE,))
    await child.get_by_label("Nationality (2 letters)").fill("GE")
    await cw.get_by_role("button", name="Open the case").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("opened")
    case_url = cw.url.split("?")[0]
    reference = await cw.get_by_test_id("reference").inner_text()
    await expect(cw.locator(".pm-node").first).to_have_attribute("data-state", "current")
    # Only what is valid now: no intake completion before a counselling session.
    await expect(cw.locator('form[data-action="complete-intake"]')).to_have_count(0)

    await act(cw, "counselling", {"Place": "Mucenieki", "Language": "ka"}, ("Interpreter present",))
    # The partner is chosen with her at counselling, among those serving where she goes; her
    # needs are assessed for it (shared once she consents).
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="Georgian partner", country="GE",
                            regions="Tbilisi, Mtskheta", contact_email="cases@partner.example"))
        session.add(Partner(id="GE-west", organisation="West Georgia partner", country="GE",
                            regions="Kutaisi", contact_email="cases@west.example"))
        session.commit()
    await cw.reload()
    await act(cw, "partner", {"Partner": "GE-partner",
                              "Region (where partners cover parts of the country)": "Tbilisi"})
    await expect(cw.get_by_test_id("chosen-partner")).to_contain_text("GE-partner (Tbilisi): pending")
    needs = cw.get_by_role("form", name="Record the needs assessment")
    await needs.get_by_label("What the returnee wants to do").fill("open a bakery in Tbilisi")
    await needs.get_by_label("Housing").fill("with her sister at first")
    await needs.get_by_role("button").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("needs assessment recorded")
    await act(cw, "complete-intake")
    await act(cw, "eligibility-assessment", {"Notes": "rejected claim, wishes to return"})
    # Four eyes: the assessor is not offered the decision on her own assessment.
    await expect(cw.locator('form[data-action="eligibility-decision"]')).to_have_count(0)

    sup = await signed_in(chromium, stack, "supervisor")
    await sup.goto(case_url)
    await act(sup, "eligibility-decision", {"Reason": "meets the criteria"})

    await cw.goto(case_url)
    await act(cw, "consent", {"Witnessed by": "the counsellor"},
              ("Consents to sharing data with the authorities",
               "Consents to sharing data with the partner"))
    # Once she consented the partner sees the case, with the names it needs, and accepts it.
    partner = await signed_in(chromium, stack, "partner")
    deadline = time.monotonic() + 15
    while not await partner.get_by_role("heading", name=reference).count():
        assert time.monotonic() < deadline, "the case was never proposed to the partner"
        await partner.goto("/ui/partner")
    await expect(partner.get_by_test_id("partner-names")).to_contain_text("Nino Beridze, Luka Beridze")
    await expect(partner.get_by_test_id("partner-proposal")).to_contain_text("pending")
    await act(partner, "partner-answer")
    await expect(partner.get_by_test_id("partner-proposal")).to_contain_text("accepted")
    await cw.goto(case_url)
    await act(cw, "documents-assessment",
              {"Planned departure": (today + timedelta(days=30)).isoformat()})
    await expect(cw.get_by_test_id("documents-status")).to_have_text("not needed")
    await act(cw, "clearance", {"Reference": "BG-EXIT-1"})
    await act(cw, "grant-proposal")
    await shoot(cw, "case-in-travel")

    await sup.goto(case_url)
    await act(sup, "grant-decision", {"Reason": "household of two, per policy"})
    await expect(sup.get_by_test_id("grant-status")).to_have_text("approved")

    await cw.goto(case_url)
    departure = today + timedelta(days=1)
    await act(cw, "booking", {"Departure date": departure.isoformat()})
    await expect(cw.locator('.pm-current .pm-label')).to_have_text("Travel")
    # Booked for tomorrow, within the days before departure: the partner gets the pre-arrival
    # package on its page (and an e-mail), with the flight to meet her at the airport.
    deadline = time.monotonic() + 15
    while not await partner.get_by_test_id("partner-package").count():
        assert time.monotonic() < deadline, "the pre-arrival package never reached the partner"
        await partner.goto("/ui/partner")
    await expect(partner.get_by_test_id("partner-package")).to_contain_text("pre-arrival")
    await expect(partner.get_by_test_id("partner-flight")).to_contain_text(departure.isoformat())
    flight = (await partner.get_by_test_id("partner-flight").inner_text()).split()[1]
    assert flight and flight != "not", "no flight number on the partner page"
    await partner.get_by_test_id("partner-package").locator("summary").click()
    await expect(partner.get_by_test_id("partner-package")).to_contain_text("open a bakery in Tbilisi")
    await expect(partner.get_by_test_id("partner-package")).to_contain_text("Anna Caseworker")
    await shoot(partner, "partner-pre-arrival")
    await cw.goto(case_url)
    await expect(cw.get_by_test_id("partner-deliveries")).to_contain_text("pre-arrival package")

    # The flight day comes; the border guard confirms the departure on the departures page.
    await time_env.sleep(timedelta(days=1, hours=1))
    guard = await signed_in(chromium, stack, "borderguard")
    await guard.get_by_role("navigation").get_by_role("link", name="Departures").click()
    await expect(guard.get_by_role("heading", name=reference)).to_be_visible()
    await shoot(guard, "departures")
    await act(guard, "departure")

    # Paid at departure, then handed over to the partner for Georgia: waiting for arrival.
    await cw.goto(case_url)
    await expect(cw.get_by_test_id("departed-on")).to_have_text(departure.isoformat())
    deadline = time.monotonic() + 15
    while await cw.get_by_test_id("grant-status").inner_text() != "paid" or (
        await cw.locator(".pm-current .pm-label").inner_text() != "Arrival"
    ):
        assert time.monotonic() < deadline, "the grant was never paid or the case never handed over"
        await cw.reload()
    await expect(cw.get_by_test_id("partner")).to_have_text("GE-partner")
    # The flight and the paid grant are booked as costs of the case.
    await expect(cw.get_by_test_id("costs").locator("tbody tr")).not_to_have_count(0)
    await expect(cw.get_by_test_id("costs-total")).to_be_visible()
    await shoot(cw, "case-departed")

    # The partner sees only its cases, with the names and the flight it met: confirms the
    # arrival and proposes the plan.
    await partner.get_by_role("navigation").get_by_role("link", name="My cases").click()
    await expect(partner.get_by_role("heading", name=reference)).to_be_visible()
    await expect(partner.get_by_test_id("partner-names")).to_contain_text("Nino Beridze")
    await expect(partner.get_by_test_id("partner-flight")).to_contain_text(flight)
    await expect(partner.get_by_text("GE1234567")).to_have_count(0)  # never a passport
    await act(partner, "arrival")
    await expect(partner.get_by_test_id("arrived-on")).to_have_text(departure.isoformat())
    await act(partner, "plan-proposal", {
        "Component 1: kind": "business_start_up", "Component 1: description": "market stall",
        "Component 1: budget (EUR)": "800",
    })
    await sup.goto(case_url)
    await act(sup, "plan-decision", {"Reason": "within the cap, realistic"})
    await expect(sup.locator(".pm-current .pm-label")).to_have_text("Monitoring")

    await partner.reload()
    # Every indicator rated; one left out is refused beside its field, the rest kept.
    report = partner.locator('form[data-action="monitoring-report"]')
    ratings = report.locator("select")
    for i in range(await ratings.count()):
        await ratings.nth(i).select_option(str(i % 5))
    await ratings.nth(0).select_option("")
    await report.get_by_role("button").click()
    report = partner.locator('form[data-action="monitoring-report"]')
    await expect(report.locator(".error")).to_have_count(1)
    await expect(report.locator("select").nth(1)).to_have_value("1")
    await report.locator("select").nth(0).select_option("3")
    await act(partner, "monitoring-report")
    await expect(partner.get_by_test_id("visits")).to_contain_text("Visit 1")
    await expect(partner.get_by_test_id("visits").locator("li").first).to_contain_text("reported")
    await shoot(partner, "partner")

    await cw.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    await shoot(cw, "dashboard")
    await cw.get_by_role("navigation").get_by_role("link", name="Cases", exact=True).click()
    await cw.get_by_label("Reference").fill(reference[-6:])
    await cw.get_by_role("button", name="Search").click()
    await expect(cw.get_by_test_id("case-count")).to_have_text("1 case")
    await shoot(cw, "cases")

    await sup.get_by_role("navigation").get_by_role("link", name="Reports").click()
    await sup.get_by_label("To (inclusive)").fill(departure.isoformat())
    await sup.get_by_role("button", name="Show").click()
    await expect(sup.get_by_test_id("persons-returned")).to_have_text("2")
    await shoot(sup, "reports")
    async with sup.expect_download() as download:
        await sup.get_by_test_id("csv").click()
    assert (await download.value).suggested_filename.endswith(".csv")

    # Outreach without a case, then the fund's projects side by side.
    await sup.get_by_role("link", name="Outreach without a case").click()
    await sup.get_by_label("Name of the place").fill("Daugavpils")
    await sup.get_by_label("Row 1 nationality").fill("GE")
    await sup.get_by_label("Row 1 sex").select_option("male")
    await sup.get_by_label("Row 1 persons").fill("12")
    await sup.get_by_label("Row 2 nationality").fill("UZ")
    await sup.get_by_label("Row 2 sex").select_option("female")
    await sup.get_by_label("Row 2 persons").fill("3")
    await sup.get_by_role("button", name="Record").click()
    await expect(sup.get_by_test_id("contact")).to_contain_text("GE male 0-17: 12")
    await shoot(sup, "outreach")
    await sup.goto(f"{stack}/ui/reports/portfolio?fund=other&year={date.today().year}")
    await expect(sup.get_by_test_id("portfolio-row")).to_contain_text("15")
    await shoot(sup, "portfolio")


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
