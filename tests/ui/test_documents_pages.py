"""Documents on the web pages: the case page's panel (upload, download, versions, refusals
beside the form) and a partner's delivery evidence on the partner page."""

from __future__ import annotations

import os
import re
from datetime import date

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import Settings
from models.documents import Document, DocumentKind
from models.policy import CasePolicy
from models.tables import HouseholdMember, Project
from models.users import AuditEntry
from tests.conftest import DATABASES
from tests.factories import insert_case
from tests.ui.conftest import Browser
from tests.ui.new_case import open_case

MAX = 100_000
PDF = b"%PDF-1.7\n" + os.urandom(20_000)
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(3_000)
LINK = re.compile(r'href="(/ui/cases/[^/"]+/documents/([0-9a-f-]{36}))"')


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small upload limit, so a file over it is quick to send."""
    return settings.model_copy(update={"document_max_bytes": MAX})


def member_of(engine: Engine, case_id: str) -> str:
    with Session(engine) as session:
        return session.exec(
            select(HouseholdMember.id).where(HouseholdMember.case_id == case_id)
        ).one()


async def post_file(client: httpx.AsyncClient, url: str, content: bytes, name: str,
                    **form: str) -> httpx.Response:
    token = client.cookies.get("homeward_csrf") or ""
    return await client.post(url, data={"csrf_token": token, **form},
                             files={"file": (name, content, "application/octet-stream")})


async def test_staff_upload_download_and_replace_from_the_case_page(
    browser: Browser, engine: Engine
) -> None:
    cw = await browser("caseworker")
    url = await open_case(cw)
    case_id = url.rsplit("/", 1)[-1]
    assert "No documents yet." in (await cw.get(url)).text
    r = await post_file(cw, f"{url}/documents", PDF, "passport Nino.pdf",
                        kind="identity_document", member_id=member_of(engine, case_id))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{url}?done=document-uploaded#documents-{case_id}"

    page = (await cw.get(url)).text
    panel = page[page.index('data-testid="documents"'):]
    for shown in ("identity document copy", "Nino Beridze", "passport Nino.pdf",
                  "Anna Caseworker"):  # who uploaded: a name, not an id
        assert shown in panel, shown
    href, _ = LINK.search(panel).groups()  # type: ignore[union-attr]
    r = await cw.get(href)
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"

    sup = await browser("supervisor")
    await sup.get(url)  # the page sets the supervisor's CSRF cookie
    r = await post_file(sup, f"{href}/versions", PNG, "passport-rescan.png")
    assert r.status_code == 303, r.text
    panel = (await cw.get(url)).text
    assert "passport-rescan.png" in panel and "Older versions (1)" in panel
    assert "Māra Supervisor" in panel
    assert (await cw.get(href)).content == PNG
    assert (await cw.get(href, params={"version": 1})).content == PDF
    # Each download is a read of personal data in the audit trail.
    with Session(engine) as session:
        reads = session.exec(select(AuditEntry).where(
            AuditEntry.action == "GET /ui/cases/{case_id}/documents/{document_id}"
        )).all()
    assert len(reads) == 3 and {e.case_id for e in reads} == {case_id}


async def test_a_refused_upload_comes_back_beside_the_form_with_the_choices_kept(
    browser: Browser, engine: Engine
) -> None:
    cw = await browser("caseworker")
    url = await open_case(cw)
    await cw.get(url)
    refusals = {
        "not a PDF, JPEG or PNG": await post_file(
            cw, f"{url}/documents", b"plain text, honest", "letter.pdf", kind="ticket"),
        f"the largest accepted is {MAX} bytes": await post_file(
            cw, f"{url}/documents", PDF * 5 + b"x" * 1_000, "big.pdf", kind="ticket"),
        # Far over: read no further than the limit, and still answered with the page.
        f"larger than {MAX} bytes": await post_file(
            cw, f"{url}/documents", PDF * 10, "huge.pdf", kind="ticket"),
        "choose the kind of document": await post_file(cw, f"{url}/documents", PDF, "a.pdf"),
    }
    for reason, r in refusals.items():
        assert r.status_code == 422, (reason, r.text[:300])
        refused = r.text[r.text.index('data-testid="upload-refused"'):]
        assert reason in refused[:400], (reason, refused[:400])
    # What was chosen is kept (a browser never re-fills a file picker).
    assert re.search(r'<option value="ticket"\s+selected>', refusals[
        "not a PDF, JPEG or PNG"].text)
    # A forged form is refused before anything is read into storage.
    r = await cw.post(f"{url}/documents", data={"csrf_token": "forged", "kind": "ticket"},
                      files={"file": ("a.pdf", PDF)})
    assert r.status_code == 400
    with Session(engine) as session:
        assert session.exec(select(Document)).all() == []


async def test_a_partner_uploads_evidence_on_its_case_and_sees_nothing_else(
    browser: Browser, engine: Engine
) -> None:
    ours = insert_case(engine, partner_id="GE-partner").id
    theirs = insert_case(engine, partner_id="TH-partner").id
    cw = await browser("caseworker")
    await cw.get(f"/ui/cases/{ours}")
    r = await post_file(cw, f"/ui/cases/{ours}/documents", PDF, "passport.pdf",
                        kind="identity_document")
    assert r.status_code == 303
    with Session(engine) as session:
        identity = session.exec(select(Document.id)).one()

    partner = await browser("partner")
    page = (await partner.get("/ui/partner")).text
    assert "Upload evidence of a delivery" in page and "passport.pdf" not in page
    r = await post_file(partner, f"/ui/cases/{ours}/documents", PNG, "invoice-tools.png",
                        kind="partner_evidence", component_id="c1", next="/ui/partner")
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/ui/partner?done=document-uploaded")
    page = (await partner.get("/ui/partner")).text
    assert "invoice-tools.png" in page and "passport.pdf" not in page
    href, _ = LINK.search(page).groups()  # type: ignore[union-attr]
    assert (await partner.get(href)).content == PNG
    # The identity copy does not exist for the partner; nor does another organisation's case.
    assert (await partner.get(f"/ui/cases/{ours}/documents/{identity}")).status_code == 404
    r = await post_file(partner, f"/ui/cases/{theirs}/documents", PNG, "x.png",
                        kind="partner_evidence", next="/ui/partner")
    assert r.status_code == 404
    # Only evidence: another kind is refused beside the form on the partner page.
    r = await post_file(partner, f"/ui/cases/{ours}/documents", PDF, "id.pdf",
                        kind="identity_document", next="/ui/partner")
    assert r.status_code == 422 and "a partner uploads delivery evidence only" in r.text
    # Replacing stays with staff.
    r = await post_file(partner, f"{href}/versions", PNG, "y.png", next="/ui/partner")
    assert r.status_code == 403


async def test_the_consent_form_is_refused_until_the_required_declaration_is_uploaded(
    browser: Browser, engine: Engine
) -> None:
    with Session(engine) as session:
        project = session.exec(select(Project).where(Project.code == "default")).one()
        project.policy = CasePolicy(
            required_documents={"record_consent": [DocumentKind.DECLARATION]}
        ).model_dump(mode="json")
        session.add(project)
        session.commit()
    cw, sup = await browser("caseworker"), await browser("supervisor")
    url = await open_case(cw)
    await sup.get(url)

    async def act(client: httpx.AsyncClient, action: str, **fields: str) -> httpx.Response:
        token = client.cookies.get("homeward_csrf") or ""
        return await client.post(f"{url}/actions/{action}",
                                 data={"csrf_token": token, "offer": "", **fields})

    today = date.today().isoformat()
    for client, action, fields in (
        (cw, "counselling", {"held_on": today, "place": "Riga", "language": "ka"}),
        (cw, "complete-intake", {}),
        (cw, "eligibility-assessment", {"eligible": "true", "notes": "wishes to return"}),
        (sup, "eligibility-decision", {"approve": "true", "reason": "meets the criteria"}),
    ):
        r = await act(client, action, **fields)
        assert r.status_code == 303, (action, r.text[:500])
    consent = {"declaration_signed_on": today, "witnessed_by": "the counsellor",
               "share_with_authorities": "on", "share_with_partner": "on"}
    r = await act(cw, "consent", **consent)
    assert r.status_code == 409
    refused = r.text[r.text.index('data-action="consent"'):]
    assert ("Refused: the signed declaration must be uploaded to the case before you record "
            "consent (document kind: declaration)") in refused[:1500]
    assert 'value="the counsellor"' in refused  # what was typed is kept

    r = await post_file(cw, f"{url}/documents", PDF, "declaration signed.pdf",
                        kind="declaration")
    assert r.status_code == 303
    r = await act(cw, "consent", **consent)
    assert r.status_code == 303 and r.headers["location"].endswith("done=consent")


# One database: the same generation runs on PostgreSQL in tests/api/test_generated_documents.py.
@pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)
async def test_papers_are_generated_from_the_case_page_the_receipt_once_a_grant_is_approved(
    browser: Browser, engine: Engine
) -> None:
    cw = await browser("caseworker")
    url = await open_case(cw)
    page = (await cw.get(url)).text
    assert "Generate the declaration and consent form" in page
    assert "Generate the grant receipt" not in page  # no grant yet: the page says so
    token = cw.cookies.get("homeward_csrf") or ""
    r = await cw.post(f"{url}/documents/generated/grant-receipt", data={"csrf_token": token})
    assert r.status_code == 409
    assert "Not generated: the grant is not proposed" in r.text
    r = await cw.post(f"{url}/documents/generated/declaration", data={"csrf_token": token})
    assert r.status_code == 303, r.text
    case_id = url.rsplit("/", 1)[-1]
    assert r.headers["location"] == f"{url}?done=declaration-generated#documents-{case_id}"
    page = (await cw.get(r.headers["location"])).text
    assert "generated by Homeward, not signed" in page
    [(href, _)] = LINK.findall(page)
    printed = await cw.get(href)
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF-")
    with Session(engine) as session:
        [document] = session.exec(select(Document).where(Document.case_id == case_id)).all()
    assert document.kind == DocumentKind.DECLARATION and document.created_by == "caseworker"
