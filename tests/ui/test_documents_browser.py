"""A case's documents in Chromium: a file chosen with the picker, one dropped on the drop
zone, a refusal beside the form, a download, a file too large named before it is sent.
Screenshot of the documents panel: test-artifacts/screenshots/case-documents*.png."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.ui import test_browser as full_stack
from tests.ui.test_browser import SHOTS, shoot, signed_in

# The browser, the API process and the worker of the full-stack test, used by name.
pytestmark = full_stack.pytestmark
api_process, stack, chromium = full_stack.api_process, full_stack.stack, full_stack.chromium

PDF = b"%PDF-1.7\n" + os.urandom(30_000)
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2_000)

DROP = """([selector, name, type, b64, size]) => {
  const bytes = size ? new Uint8Array(size) : Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, {type}));
  const zone = document.querySelector(selector);
  for (const kind of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(kind, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""


async def drop(page: Page, name: str, content: bytes = b"", size: int = 0) -> None:
    """Drop a file on the upload form's drop zone, as a user dragging it from their desktop."""
    await page.evaluate(DROP, ["form.upload [data-dropzone]", name, "application/octet-stream",
                               base64.b64encode(content).decode(), size])


async def open_case(page: Page) -> str:
    await page.get_by_role("navigation").get_by_role("link", name="New case").click()
    await page.get_by_label("Country of origin (2 letters)").fill("GE")
    await page.get_by_label("Legal situation").select_option("rejected_asylum_seeker")
    await page.get_by_label("Where the household stays").select_option("reception_centre")
    principal = page.locator("fieldset.person").first
    for label, value in {"Given name": "Nino", "Family name": "Beridze",
                         "Date of birth": "1990-04-01", "Nationality (2 letters)": "GE"}.items():
        await principal.get_by_label(label, exact=True).fill(value)
    await principal.get_by_label("Sex").select_option("female")
    await page.get_by_role("button", name="Open the case").click()
    await expect(page.get_by_test_id("done")).to_contain_text("opened")
    return page.url.split("?")[0]


async def test_documents_by_picker_and_by_drop_with_refusals_beside_the_form(
    stack: str, chromium: Browser, tmp_path: Path,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    cw = await signed_in(chromium, stack, "caseworker")
    case_url = await open_case(cw)
    panel = cw.get_by_test_id("documents")
    upload = panel.locator("form.upload")
    picker = upload.get_by_label("File: PDF, JPEG or PNG", exact=False)
    await expect(panel).to_contain_text("No documents yet.")

    # The file picker, reached with the keyboard: Tab from the form's first field lands on it.
    await picker.focus()
    await cw.keyboard.press("Shift+Tab")
    await cw.keyboard.press("Tab")
    assert await cw.evaluate("document.activeElement.type") == "file"
    (tmp_path / "passport Nino.pdf").write_bytes(PDF)
    await picker.set_input_files(tmp_path / "passport Nino.pdf")
    await upload.get_by_label("Kind").select_option("identity_document")
    await upload.get_by_label("Person").select_option(label="Nino Beridze")
    await upload.get_by_role("button", name="Upload").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("document uploaded")
    row = panel.locator("tbody tr").first
    await expect(row).to_contain_text("identity document copy")
    await expect(row).to_contain_text("Nino Beridze")
    await expect(row).to_contain_text("Anna Caseworker")

    # Dropped on the drop zone: the picker takes the file and says so.
    await drop(cw, "photo of the ticket.png", PNG)
    await expect(upload.locator("[data-drop-status]")).to_have_text("Chosen: photo of the ticket.png")
    await upload.get_by_label("Kind").select_option("ticket")
    await upload.get_by_role("button", name="Upload").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("document uploaded")
    await expect(panel.locator("tbody tr")).to_have_count(2)
    await expect(panel.locator("tbody tr").nth(1)).to_contain_text("photo of the ticket.png")

    # Too large: named before anything is sent, and the form stays.
    await drop(cw, "scan.pdf", size=21 * 1024 * 1024)
    await expect(upload.locator("[data-drop-status]")).to_contain_text("the largest accepted is")
    await upload.get_by_role("button", name="Upload").click()
    await expect(cw.get_by_test_id("done")).to_contain_text("document uploaded")  # unchanged page

    # Not a PDF, JPEG or PNG whatever its name: refused beside the form, the kind kept.
    (tmp_path / "letter.pdf").write_bytes(b"just some text, honest")
    await picker.set_input_files(tmp_path / "letter.pdf")
    await upload.get_by_label("Kind").select_option("other")
    await upload.get_by_role("button", name="Upload").click()
    refused = cw.get_by_test_id("upload-refused")
    await expect(refused).to_contain_text("not a PDF, JPEG or PNG")
    await expect(cw.locator("form.upload").get_by_label("Kind")).to_have_value("other")
    await expect(cw.get_by_test_id("documents").locator("tbody tr")).to_have_count(2)
    await cw.get_by_test_id("documents").get_by_role("heading", name="Documents").scroll_into_view_if_needed()
    await cw.get_by_test_id("documents").screenshot(path=SHOTS / "case-documents-refused.png")

    # The download link gives the file back as it was uploaded.
    async with cw.expect_download() as download:
        await cw.get_by_test_id("documents").get_by_role("link", name="passport Nino.pdf").click()
    downloaded = await download.value
    assert downloaded.suggested_filename == "passport Nino.pdf"
    assert Path(await downloaded.path()).read_bytes() == PDF

    await cw.goto(case_url)  # not a reload: that would send the refused form again
    await cw.get_by_test_id("documents").screenshot(path=SHOTS / "case-documents.png")
    await shoot(cw, "case-documents-page")
    print(f"\nscreenshots: {SHOTS}/case-documents*.png")
