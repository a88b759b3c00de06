"""In Chromium: a counsellor opens a case for a trafficking victim, records the consent to
refer and refers her to the trafficking hotline; her husband refuses sharing with the partner;
the case is restricted: a second caseworker cannot find it (list, person search, its
address), a supervisor sees it with the referral and records its outcome; the partner
package carries only her.
Screenshots in test-artifacts/screenshots (protection-*). Reuses test_browser.py's stack."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.async_api import Browser, Locator, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from activities.partner_activities import PartnerActivities
from activities.partners import SimulatedPartners
from models.external import HandoverRequest
from models.partners import Partner
from models.protection import ServiceKind, ServiceProvider
from models.tables import Case
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
HOTLINE = "Drošā māja trafficking hotline"


async def test_a_referral_to_the_hotline_and_a_restricted_case_only_those_who_need_see(
    stack: str, chromium: Browser, engine: Engine  # noqa: F811
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with Session(engine) as session:
        session.add(ServiceProvider(
            id=str(uuid.uuid4()), name=HOTLINE, country="LV", kind=ServiceKind.HOTLINE,
            phone="+371 28612120", email="hotline@drosa-maja.example", languages=["lv", "ru"]))
        session.commit()

    cw = await signed_in(chromium, stack, "caseworker")
    await cw.get_by_role("navigation").get_by_role("link", name="New case").click()
    await cw.get_by_label("Country of origin (2 letters)").fill("UZ")
    await cw.get_by_label("Legal situation").select_option("irregular_stay")
    await cw.get_by_label("Where the household stays").select_option("community")
    principal = cw.locator("fieldset.person").first
    for label, value in {"Given name": "Dilnoza", "Family name": "Karimova",
                         "Date of birth": "1994-07-09", "Nationality (2 letters)": "UZ"}.items():
        await principal.get_by_label(label, exact=True).fill(value)
    await principal.get_by_label("Sex").select_option("female")
    await principal.get_by_label("trafficking victim").check()
    await cw.get_by_role("button", name="Add a household member").click()
    husband = cw.locator("fieldset[data-dependant]").nth(0)
    for label, value in {"Given name": "Rustam", "Family name": "Karimov",
                         "Date of birth": "1990-03-02", "Nationality (2 letters)": "UZ"}.items():
        await husband.get_by_label(label, exact=True).fill(value)
    await husband.get_by_label("Sex").select_option("male")
    await husband.get_by_label("Relationship").select_option("spouse")
    await cw.get_by_role("button", name="Open the case").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("opened")
    reference = await cw.get_by_test_id("reference").inner_text()
    case_url = cw.url.split("?")[0]
    await expect(cw.get_by_test_id("restricted-badge")).to_have_text("Restricted")

    panel = cw.get_by_test_id("referrals-panel")
    await unfold(panel, "refer-details")
    await panel.get_by_label("Reason").fill("Trafficking indicators found in counselling")
    await panel.get_by_role("button", name="Refer").click()
    await expect(cw.get_by_test_id("referral-refusal")).to_contain_text("no recorded consent")

    await unfold(panel, "consent-details")
    await panel.get_by_label("Consent given by").fill("Dilnoza Karimova (signed)")
    await panel.get_by_role("button", name="Record the consent").click()
    await expect(cw.get_by_test_id("consent")).to_contain_text("given by Dilnoza Karimova")
    await unfold(panel, "refer-details")
    await panel.get_by_label("Service").select_option(label=f"{HOTLINE} (LV, hotline)")
    await panel.get_by_label("Reason").fill("Trafficking indicators found in counselling")
    await panel.get_by_label("How").select_option("email")
    await panel.get_by_role("button", name="Refer").click()
    await expect(cw.get_by_test_id("referral")).to_contain_text(f"→ {HOTLINE} by email")
    await panel.scroll_into_view_if_needed()
    await shoot(cw, "protection-referral")

    # Her husband does not want the partner to know about him; she agrees to it.
    consents = cw.get_by_test_id("consents-panel")
    await unfold(consents, "purpose-consent-details")
    await consents.get_by_label("Person").select_option(label="Rustam Karimov")
    await consents.get_by_label("Sharing with").select_option("partner")
    await consents.get_by_label("Consent", exact=True).select_option("refused")
    await consents.get_by_label("Stated by").fill("Rustam Karimov")
    await consents.get_by_role("button", name="Record").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("consent recorded")
    rows = cw.get_by_test_id("consent-row")
    await expect(rows.nth(0).get_by_test_id("consent-referral")).to_have_text("given")
    await expect(rows.nth(1).get_by_test_id("consent-partner")).to_have_text(
        "refused · nothing sent")
    await cw.get_by_test_id("consents-panel").scroll_into_view_if_needed()
    await shoot(cw, "protection-consents")

    cw2 = await signed_in(chromium, stack, "caseworker2")
    await cw2.get_by_role("navigation").get_by_role("link", name="Cases", exact=True).click()
    await expect(cw2.get_by_role("link", name=reference)).to_have_count(0)
    await cw2.get_by_label("Person").fill("Karimova")
    await cw2.get_by_role("button", name="Search").click()
    await expect(cw2.get_by_test_id("case-count")).to_have_text("0 cases")
    await shoot(cw2, "protection-not-found")
    response = await cw2.goto(case_url)
    assert response is not None and response.status == 404
    await expect(cw2.get_by_text(reference)).to_have_count(0)

    sup = await signed_in(chromium, stack, "supervisor")
    await sup.get_by_role("navigation").get_by_role("link", name="Cases", exact=True).click()
    await sup.get_by_label("Person").fill("Karimova")
    await sup.get_by_role("button", name="Search").click()
    await expect(sup.get_by_test_id("case-count")).to_have_text("1 case")
    await sup.get_by_role("link", name=reference).click()
    await expect(sup.get_by_test_id("restricted-badge")).to_be_visible()
    await expect(sup.get_by_test_id("referral")).to_contain_text(HOTLINE)
    await expect(sup.get_by_test_id("grant-form")).to_be_visible()
    await sup.get_by_test_id("access-panel").scroll_into_view_if_needed()
    await shoot(sup, "protection-supervisor", (WIDE,))

    # The hotline answered: the outcome is recorded on the referral.
    referral = sup.get_by_test_id("referral")
    await referral.locator("summary").click()
    await referral.get_by_label("Outcome").select_option("accepted")
    await referral.get_by_label("The provider's answer").fill("intake on Friday")
    await referral.get_by_role("button", name="Record the outcome").click()
    await expect(sup.get_by_test_id("referral-outcome")).to_have_text("accepted")
    await expect(sup.get_by_test_id("referral")).to_contain_text("intake on Friday")

    # Counted in the project's report by kind and outcome, without a name.
    case_id = case_url.rsplit("/", 1)[1]
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        project_id = case.project_id
    today = date.today()
    await sup.goto(f"{case_url.split('/ui/')[0]}/ui/reports?project_id={project_id}"
                   f"&start={today.replace(month=1, day=1)}&end={today}")
    referrals = sup.locator("section[aria-labelledby=rf-h]")
    await expect(referrals).to_contain_text("1 referral")
    await expect(referrals.locator("li", has_text="hotline")).to_contain_text("1")
    await expect(referrals.locator("li", has_text="accepted")).to_contain_text("1")
    await expect(referrals).not_to_contain_text("Dilnoza")

    # The partner package (built from the database as at the handover) carries her only.
    with Session(engine) as session:
        session.add(Partner(id="UZ-partner", organisation="Uzbek Partner", country="UZ",
                            contact_email="ops@uz-partner.example"))
        session.commit()
    partners = SimulatedPartners()
    await PartnerActivities(partners, engine).hand_over(HandoverRequest(
        case_id=case_id, handover_key=f"{case_id}:handover:1", country_of_origin="UZ",
        departed_on=date.today()))
    [(_, package, _)] = partners.received.values()
    assert [(t.given_name, t.family_name) for t in package.household] == [("Dilnoza", "Karimova")]
    assert "Rustam" not in package.model_dump_json()


async def unfold(panel: Locator, test_id: str) -> None:
    """Open a folded form (a refused form comes back unfolded already)."""
    details = panel.get_by_test_id(test_id)
    if not await details.evaluate("d => d.open"):
        await details.locator("summary").click()
