"""The case page's notes and earlier-case notice, and the case list's person search, without
a browser: forms with CSRF, restricted notes absent to other caseworkers, fixed notes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.enums import CaseStatus, ClosureReason, Stage
from models.notes import CaseNote
from models.tables import Case
from models.users import AuditEntry
from tests.ui.conftest import Browser, csrf_of
from tests.ui.new_case import open_case


async def test_notes_on_the_case_page(browser: Browser, engine: Engine) -> None:
    cw = await browser("caseworker")
    case = await open_case(cw)
    page = await cw.get(case)
    token = csrf_of(page.text)
    assert 'id="notes-h"' in page.text and "No notes yet." in page.text

    r = await cw.post(f"{case}/notes", data={"csrf_token": token, "text": "  "})
    assert r.status_code == 422 and "a note needs some text" in r.text
    r = await cw.post(f"{case}/notes", data={"text": "no token"})
    assert r.status_code == 400
    r = await cw.post(f"{case}/notes", data={"csrf_token": token, "text": "met the family"})
    assert r.status_code == 303 and r.headers["location"].endswith("done=note-added#notes")
    r = await cw.post(f"{case}/notes", data={
        "csrf_token": token, "text": "safeguarding concern", "restricted": "on"})
    assert r.status_code == 303

    html = (await cw.get(case)).text
    assert html.index("safeguarding concern") < html.index("met the family")  # newest first
    assert html.count("Anna Caseworker") >= 2 and html.count('data-testid="note-edit"') == 2

    with Session(engine) as session:
        notes = {n.text: n.id for n in session.exec(select(CaseNote)).all()}
    url = f"{case}/notes/{notes['met the family']}"
    r = await cw.post(url, data={"csrf_token": token, "text": "met the whole family"})
    assert r.status_code == 303
    assert "met the whole family" in (await cw.get(case)).text

    # Another caseworker sees the open note only, and may not change it.
    other = await browser("caseworker2")
    html = (await other.get(case)).text
    assert "met the whole family" in html and "safeguarding concern" not in html
    assert 'data-testid="note-edit"' not in html
    sup = await browser("supervisor")
    assert "safeguarding concern" in (await sup.get(case)).text

    with Session(engine) as session:
        session.execute(update(CaseNote).where(col(CaseNote.id) == notes["met the family"])
                        .values(created_at=datetime.now(UTC) - timedelta(minutes=20)))
        session.commit()
    html = (await cw.get(case)).text
    assert html.count('data-testid="note-edit"') == 1  # the fixed note offers no change
    r = await cw.post(url, data={"csrf_token": token, "text": "rewritten"})
    assert r.status_code == 409 and "this note is fixed" in r.text


async def test_the_new_case_page_names_an_earlier_case_of_the_same_person(
    browser: Browser, engine: Engine,
) -> None:
    cw = await browser("caseworker")
    first = await open_case(cw)  # Nino Beridze, born 1990-04-01
    first_id = first.rsplit("/", 1)[1]
    with Session(engine) as session:
        session.execute(update(Case).where(col(Case.id) == first_id).values(
            status=CaseStatus.CLOSED, stage=Stage.CLOSED,
            closure_reason=ClosureReason.COMPLETED, closed_date=date(2026, 3, 9),
            projected_version=10**6,  # as if closed: the workflow's projections are older
        ))
        session.commit()
        reference = session.get(Case, first_id).reference  # type: ignore[union-attr]
    assert 'data-testid="earlier-case"' not in (await cw.get(first)).text

    # The same woman, her name typed in Georgian this time.
    second = await open_case(cw, idempotency_key="second", **{"principal-given_name": "ნინო",
                                    "principal-family_name": "ბერიძე"})
    page = (await cw.get(second)).text
    assert 'data-testid="earlier-case"' in page
    assert f'Possible earlier case <a href="/ui/cases/{first_id}">{reference}</a>' in page
    assert "(closed: completed on 2026-03-09)" in page


async def test_the_case_list_finds_a_person_in_another_script(
    browser: Browser, engine: Engine
) -> None:
    cw = await browser("caseworker")
    await open_case(cw, **{"principal-given_name": "Jānis", "principal-family_name": "Bērziņš",
                           "principal-nationality": "LV", "country_of_origin": "LV"})
    await open_case(cw, idempotency_key="another")
    page = await cw.get("/ui/cases", params={"person": "Берзиньш"})
    assert page.status_code == 200
    assert 'data-testid="case-count">1 case<' in page.text
    assert 'value="Берзиньш"' in page.text  # the box keeps what was typed
    page = await cw.get("/ui/cases", params={"person": "Ozols"})
    assert 'data-testid="case-count">0 cases<' in page.text
    await cw.get("/ui/cases")  # no person: not audited
    with Session(engine) as session:  # each search audited, without what was searched
        actions = session.exec(select(AuditEntry.action).where(
            col(AuditEntry.action).startswith("GET /ui/cases"))).all()
    assert actions == ["GET /ui/cases?person"] * 2
