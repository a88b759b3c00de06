"""The web interface without a browser: sign-in, CSRF, policy, audit, forms and refusals on
signing in and out, the case page and the new-case form."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.user_service import DEMO_PASSWORD
from api.web.security import CSRF_COOKIE, SESSION_COOKIE
from models.tables import HouseholdMember
from models.users import AuditEntry
from tests.ui.conftest import Browser, csrf_of
from tests.ui.new_case import HOUSEHOLD, open_case


async def test_sign_in_sets_a_strict_cookie_that_only_the_pages_accept(browser: Browser) -> None:
    anon = await browser(None)
    r = await anon.get("/ui/cases")
    assert r.status_code == 401 and "Sign in" in r.text and 'value="/ui/cases"' in r.text
    page = await anon.get("/ui/login")
    token = csrf_of(page.text)
    form = {"username": "caseworker", "password": "wrong", "next": "/ui", "csrf_token": token}
    r = await anon.post("/ui/login", data=form)
    assert r.status_code == 401 and "wrong username or password" in r.text
    r = await anon.post("/ui/login", data=form | {"password": DEMO_PASSWORD, "csrf_token": "x"})
    assert r.status_code == 400  # no matching CSRF token: not signed in
    assert SESSION_COOKIE not in anon.cookies
    r = await anon.post(
        "/ui/login", data=form | {"password": DEMO_PASSWORD, "next": "https://evil.example/"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/ui"  # no open redirect
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    r = await anon.get("/ui")
    assert r.status_code == 200
    assert re.search(r"Anna Caseworker</strong>\s*<span class=\"role\">caseworker", r.text)
    # The JSON API never takes the cookie: a cross-site script cannot use it there.
    session = anon.cookies[SESSION_COOKIE]
    r = await anon.get("/cases", headers={"Cookie": f"{SESSION_COOKIE}={session}"})
    assert r.status_code == 401
    # Signing out forgets the cookie; the pages ask to sign in again.
    r = await anon.post("/ui/logout", data={"csrf_token": anon.cookies[CSRF_COOKIE]})
    assert r.status_code == 303 and r.headers["location"] == "/ui/login"
    assert (await anon.get("/ui")).status_code == 401
    # A copy of the old cookie (kept by someone else) no longer opens a page either.
    r = await anon.get("/ui", headers={"Cookie": f"{SESSION_COOKIE}={session}"})
    assert r.status_code == 401 and "Please sign in" in r.text


async def test_case_page_offers_only_valid_decisions_and_shows_the_workflows_refusal(
    browser: Browser, engine: Engine
) -> None:
    cw = await browser("caseworker")
    url = await open_case(cw)
    page = await cw.get(url)
    assert page.status_code == 200
    offered = re.findall(r'data-action="([a-z-]+)"', page.text)
    assert offered == ["counselling", "partner", "finding", "closure-proposal"]  # no completion yet
    token = csrf_of(page.text)

    # Sent anyway: the workflow refuses and its reason is on the page.
    r = await cw.post(f"{url}/actions/complete-intake", data={"csrf_token": token})
    assert r.status_code == 409
    assert "before at least one counselling session is recorded" in r.text

    # A missing field: the error beside it, what was typed kept, nothing recorded.
    r = await cw.post(f"{url}/actions/counselling", data={
        "csrf_token": token, "held_on": "2026-01-05", "language": "ka", "offer": "",
    })
    assert r.status_code == 422
    assert 'id="place-error"' in r.text and 'value="ka"' in r.text
    # A forged form (wrong token) is refused before anything runs.
    r = await cw.post(f"{url}/actions/counselling", data={
        "csrf_token": "forged", "held_on": "2026-01-05", "place": "Riga", "language": "ka",
    })
    assert r.status_code == 400
    r = await cw.post(f"{url}/actions/counselling", data={
        "csrf_token": token, "held_on": "2026-01-05", "place": "Riga", "language": "ka",
    })
    assert r.status_code == 303 and r.headers["location"].endswith("?done=counselling")
    offered = re.findall(r'data-action="([a-z-]+)"', (await cw.get(url)).text)
    assert offered == ["counselling", "complete-intake", "partner", "finding", "closure-proposal"]

    # Roles: the border guard may not record counselling; the auditor may not read the page.
    guard = await browser("borderguard")
    r = await guard.post(f"{url}/actions/counselling", data={
        "csrf_token": guard.cookies[CSRF_COOKIE], "held_on": "2026-01-05", "place": "Riga",
        "language": "ka",
    })
    assert r.status_code == 403 and "may not record a counselling session" in r.text
    auditor = await browser("auditor")
    assert (await auditor.get(url)).status_code == 403
    # A partner acts only on cases handed over to its organisation: this one does not exist to it.
    partner = await browser("partner")
    r = await partner.post(f"{url}/actions/arrival", data={
        "csrf_token": partner.cookies[CSRF_COOKIE], "arrived_on": "2026-01-05",
    })
    assert r.status_code == 404
    assert (await partner.get(url)).status_code == 403

    # Closing before departure is a proposal; only a different supervisor is offered the decision.
    r = await cw.post(f"{url}/actions/closure-proposal", data={
        "csrf_token": token, "reason": "withdrawn", "note": "changed her mind",
    })
    assert r.status_code == 303
    page = await cw.get(url)
    assert "closure-decision" not in re.findall(r'data-action="([a-z-]+)"', page.text)
    sup = await browser("supervisor")
    page = await sup.get(url)
    assert "closure-decision" in re.findall(r'data-action="([a-z-]+)"', page.text)
    # Reassigning is a choice among the active caseworkers by name, not a typed user id.
    form = page.text[page.text.index('data-action="assignment"'):]
    form = form[:form.index("</form>")]
    assert re.findall(r'<option value="([^"]*)"', form) == ["", "caseworker", "caseworker2"]
    assert "Anna Caseworker" in form and "user id" not in form
    r = await sup.post(f"{url}/actions/closure-decision", data={
        "csrf_token": csrf_of(page.text), "approve": "true", "reason": "confirmed with her",
    })
    assert r.status_code == 303
    page = await sup.get(url)
    assert re.findall(r'data-action="([a-z-]+)"', page.text) == []
    assert 'data-state="closed"' in page.text and "withdrawn" in page.text

    # Reading the page is a read of personal data: on the audit trail, as the API's reads.
    case_id = url.rsplit("/", 1)[1]
    with Session(engine) as session:
        reads = session.exec(
            select(AuditEntry).where(AuditEntry.case_id == case_id)
            .where(AuditEntry.action == "GET /ui/cases/{case_id}")
        ).all()
        refused = session.exec(
            select(AuditEntry).where(AuditEntry.case_id == case_id)
            .where(AuditEntry.outcome == "refused")
        ).all()
    assert {(e.actor_id, e.outcome) for e in reads} == {
        ("caseworker", "success"), ("auditor", "denied"), ("partner", "denied"),
        ("supervisor", "success"),
    }
    assert [e.action for e in refused] == ["POST /ui/cases/{case_id}/actions/{action}"]


async def test_new_case_form_keeps_the_household_and_puts_errors_beside_fields(
    browser: Browser, engine: Engine
) -> None:
    cw = await browser("caseworker")
    page = await cw.get("/ui/cases/new")
    form = {
        "csrf_token": csrf_of(page.text), "idempotency_key": "ui-test-household", **HOUSEHOLD,
        "principal-vulnerabilities": "unaccompanied_minor",
        # Member 0 was removed in the form: the numbers the browser sent are kept.
        "dependants-1-given_name": "Luka", "dependants-1-family_name": "Beridze",
        "dependants-1-date_of_birth": "2016-05-20", "dependants-1-sex": "male",
        "dependants-1-nationality": "GE", "dependants-1-relationship": "child",
        "dependants-3-given_name": "Ana", "dependants-3-family_name": "Beridze",
        "dependants-3-date_of_birth": "2018-02-01", "dependants-3-sex": "female",
        "dependants-3-nationality": "G", "dependants-3-relationship": "child",
    }
    r = await cw.post("/ui/cases/new", data=form)
    assert r.status_code == 422
    assert 'id="dependants-3-nationality-error"' in r.text
    assert 'value="Luka"' in r.text and 'value="Ana"' in r.text
    assert 'value="unaccompanied_minor" checked' in r.text
    assert 'data-next="4"' in r.text  # a member added now gets a fresh number
    # A check across the household lands beside the flag it is about.
    r = await cw.post("/ui/cases/new", data=form | {"dependants-3-nationality": "GE"})
    assert r.status_code == 422
    assert re.search(r'id="principal-vulnerabilities-error"[^>]*>unaccompanied_minor on an adult',
                     r.text)
    fixed = form | {"dependants-3-nationality": "GE", "principal-vulnerabilities": "single_parent"}
    first = await cw.post("/ui/cases/new", data=fixed)
    again = await cw.post("/ui/cases/new", data=fixed)  # sent twice: still one case
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    case_id = first.headers["location"].split("?")[0].rsplit("/", 1)[1]
    with Session(engine) as session:
        people = session.exec(
            select(HouseholdMember).where(HouseholdMember.case_id == case_id)
            .order_by(HouseholdMember.position)  # type: ignore[arg-type]
        ).all()
    assert [(p.given_name, p.vulnerabilities) for p in people] == [
        ("Nino", ["single_parent"]), ("Luka", []), ("Ana", [])
    ]
