"""In Chromium, the issue's living case record: a case opened with a misspelt name is corrected
with a reason on the case page (the Changes section shows who, when, old and new),
trafficking indicators come up in the second counselling session and are recorded as a later
finding, and its two steps show on the page and block the departure until they are done; the
declaration with the consent form is generated, downloaded ("printed": read back with pypdf,
in Latvian, English and the household's Russian), signed, scanned and uploaded; after the
departure the partner uploads the invoice of a delivered component. Each step shows on the
case page, in the audit trail and in the subject access export. On SQLite with documents in a
local directory; the same story on PostgreSQL with S3 through the API:
tests/api/test_generated_documents.py. Screenshots in test-artifacts/screenshots
(correction-*, finding-blocks-departure-*, papers-*, living-record-*). Reuses test_browser.py's
stack and browser fixtures."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Browser, expect
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from models.partners import Partner
from tests.conftest import DATABASES
from tests.tokens import bearer
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


def scanned_signature() -> bytes:
    """A JPEG as a scanner makes of the signed paper."""
    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).text((40, 700), "Nino Beridze (signed)", fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


async def test_a_misspelt_name_corrected_and_a_later_finding_blocks_departure(
    stack: str, chromium: Browser, time_env: WorkflowEnvironment, engine: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = max(date.today(), (await time_env.get_current_time()).date())
    cw = await signed_in(chromium, stack, "caseworker")
    await cw.get_by_role("navigation").get_by_role("link", name="New case").click()
    await cw.get_by_label("Country of origin (2 letters)").fill("GE")
    await cw.get_by_label("Legal situation").select_option("rejected_asylum_seeker")
    await cw.get_by_label("Where the household stays").select_option("reception_centre")
    await cw.get_by_label("Destination city").fill("Tbilisi")
    await cw.get_by_label("Preferred language").fill("ru")
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

    # The declaration with the consent form: generated, "printed" (downloaded), signed,
    # scanned and uploaded; the generated paper stays, marked as not signed.
    await cw.get_by_test_id("generate-declaration").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("declaration generated")
    documents = cw.get_by_test_id("documents")
    generated = documents.locator("tbody tr").first
    await expect(generated).to_contain_text("signed declaration")
    await expect(generated.get_by_test_id("generated")).to_have_text(
        "generated by Homeward, not signed")
    async with cw.expect_download() as download:
        await generated.get_by_test_id("download").click()
    printed = Path(await (await download.value).path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(printed)).pages)
    for expected in (reference, "Beridze, Nino", "Deklarācija par brīvprātīgu atgriešanos",
                     "Declaration of voluntary return", "Заявление о добровольном возвращении"):
        assert expected in text.replace("\n", " "), expected
    assert "Bredize" not in text  # the corrected name
    (tmp_path / "declaration signed.jpg").write_bytes(scanned_signature())
    upload = documents.locator("form.upload")
    await upload.get_by_label("File: PDF, JPEG or PNG", exact=False).set_input_files(
        tmp_path / "declaration signed.jpg")
    await upload.get_by_label("Kind").select_option("declaration")
    await upload.get_by_role("button", name="Upload").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("document uploaded")
    signed = cw.get_by_test_id("documents").locator("tbody tr").nth(1)
    await expect(signed).to_contain_text("declaration signed.jpg")
    await expect(signed.get_by_test_id("generated")).to_have_count(0)
    await cw.get_by_test_id("papers").scroll_into_view_if_needed()
    await shoot(cw, "papers")
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
    with Session(engine) as session:  # the partner for Georgia, as an admin registers it
        session.add(Partner(id="GE-partner", organisation="Georgian partner", country="GE",
                            contact_email="cases@partner.example"))
        session.commit()
    await guard.reload()
    await act(guard, "departure")

    # Handed over after the departure: the partner confirms the arrival, the plan is
    # approved, a component is delivered and the partner uploads its invoice.
    partner = await signed_in(chromium, stack, "partner")
    deadline = time.monotonic() + 15
    while not await partner.get_by_role("heading", name=reference).count():
        assert time.monotonic() < deadline, "the case was never handed over to the partner"
        await partner.goto("/ui/partner")
    await act(partner, "arrival")
    await act(partner, "plan-proposal", {
        "Component 1: kind": "business_start_up", "Component 1: description": "market stall",
        "Component 1: budget (EUR)": "800",
    })
    await sup.goto(case_url)
    await act(sup, "plan-decision", {"Reason": "within the cap, realistic"})
    await partner.reload()
    await act(partner, "delivery", {"Actual cost": "780", "Evidence reference": "INV-17"})
    evidence = partner.locator("form.upload")
    (tmp_path / "invoice market stall.pdf").write_bytes(b"%PDF-1.4\n% invoice INV-17\n%%EOF\n")
    await evidence.get_by_label("File: PDF, JPEG or PNG", exact=False).set_input_files(
        tmp_path / "invoice market stall.pdf")
    await evidence.get_by_label("Component of the plan").select_option(index=1)
    await evidence.get_by_role("button", name="Upload").click()
    await expect(partner.get_by_test_id("done")).to_contain_text("document uploaded")
    await expect(partner.get_by_test_id("documents")).to_contain_text("invoice market stall.pdf")
    await expect(partner.get_by_test_id("documents")).not_to_contain_text("declaration")

    # Every step on the case page...
    await cw.goto(case_url)
    rows = cw.get_by_test_id("documents").locator("tbody tr")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(2)).to_contain_text("partner's delivery evidence")
    await expect(rows.nth(2)).to_contain_text("invoice market stall.pdf")
    await expect(cw.get_by_test_id("change")).to_contain_text("Bredize")
    timeline = await cw.locator("ol.timeline").inner_text()
    for said in ("trafficking", "consent", "depart", "delivered: business_start_up"):
        assert said in timeline.lower(), said
    await cw.get_by_test_id("documents").scroll_into_view_if_needed()
    await shoot(cw, "living-record", (WIDE,))
    # ... in the audit trail and in the subject access export.
    case_id = case_url.rsplit("/", 1)[1]
    async with httpx.AsyncClient(base_url=stack) as api:
        audit = (await api.get(f"/cases/{case_id}/audit", headers=bearer("supervisor"))).json()
        actions = {(e["actor_id"], e["action"]) for e in audit["data"]}
        for step in (
            ("caseworker", "POST /ui/cases/{case_id}/people/{member_id}"),
            ("caseworker", "POST /ui/cases/{case_id}/documents/generated/declaration"),
            ("caseworker", "GET /ui/cases/{case_id}/documents/{document_id}"),
            ("caseworker", "POST /ui/cases/{case_id}/documents"),
            ("partner", "POST /ui/cases/{case_id}/documents"),
        ):
            assert step in actions, (step, sorted(actions))
        member_id = (await api.get(f"/cases/{case_id}/household",
                                   headers=bearer("supervisor"))).json()[0]["id"]
        export = (await api.get(f"/people/{member_id}/export", headers=bearer("admin"))).json()
    assert [d["versions"][0]["filename"] for d in export["documents"]] == [
        f"{reference} declaration and consent (to sign).pdf", "declaration signed.jpg",
        "invoice market stall.pdf"]
    assert export["documents"][0]["versions"][0]["generated"]
    assert [(c["field"], c["old_value"], c["new_value"]) for c in export["changes"]][:1] == [
        ("family_name", "Bredize", "Beridze")]
