"""A real browser (Debian's Chromium, driven by Playwright) through the whole stack: the API
process, a worker and a Temporal server. Screenshots of the key pages, at 1280px and 390px,
go to test-artifacts/screenshots (printed by the test).

The Temporal server is the time-skipping test server, so a day can pass between booking a
flight and the border guard confirming the departure (a dev server runs on the wall clock).
The worker is built by worker.build_worker in this process, since the test server has no
Schedules for worker.main to create; the API is its own uvicorn process as in production.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from models.partners import Partner
from tests.conftest import DATABASES
from tests.ui.browser_steps import (  # noqa: F401  (WIDE: for the test_*browser*.py beside it)
    PHONE,
    SHOTS,
    WIDE,
    act,
    api_process,
    chromium,
    shoot,
    signed_in,
    stack,
)

__all__ = ["api_process", "chromium", "stack"]  # fixtures (tests/ui/browser_steps.py), by name
# One database only, to keep the browser's wall time small: the pages' queries run on both
# databases in test_sign_in_and_case_pages.py and test_list_and_report_pages.py, and nothing
# here depends on which one is behind the API.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True),
]


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
