"""The web interface without a browser: sign-in, CSRF, policy, audit, forms and refusals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from activities.costs import book_cost
from activities.projection import refresh_due_columns
from api.user_service import DEMO_PASSWORD
from api.web.security import CSRF_COOKIE, SESSION_COOKIE
from models.enums import CostCategory, DeadlineKind, Relationship, Role, Sex, Stage, TaskKind
from models.tables import HouseholdMember, Project
from models.tasks import CaseDeadline, CaseTask
from models.users import AuditEntry
from tests.factories import insert_case
from tests.ui.conftest import Browser, csrf_of

HOUSEHOLD = {
    "country_of_origin": "GE", "legal_situation": "rejected_asylum_seeker",
    "location_type": "reception_centre", "destination_city": "Tbilisi",
    "principal-given_name": "Nino", "principal-family_name": "Beridze",
    "principal-date_of_birth": "1990-04-01", "principal-sex": "female",
    "principal-nationality": "GE",
}


async def open_case(client: httpx.AsyncClient, **fields: str) -> str:
    page = await client.get("/ui/cases/new")
    r = await client.post("/ui/cases/new", data={
        "csrf_token": csrf_of(page.text), "idempotency_key": csrf_of(page.text)[:20],
        **HOUSEHOLD, **fields,
    })
    assert r.status_code == 303, r.text
    return r.headers["location"].split("?")[0]


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


async def test_case_list_searches_filters_and_pages(browser: Browser, engine: Engine) -> None:
    for n in range(27):
        insert_case(engine, reference=f"LV-2026-{n:06d}", country_of_origin="GE" if n % 3 else "TH")
    flagged = insert_case(
        engine, reference="LV-2026-990001", country_of_origin="AZ",
        updated_at=datetime.now(UTC) - timedelta(days=30), awaiting="clearance by the authorities",
    )
    with Session(engine) as session:
        session.add(HouseholdMember(
            id="m-1", case_id=flagged.id, relationship=Relationship.PRINCIPAL, given_name="A",
            family_name="B", date_of_birth=date(1950, 1, 1), sex=Sex.MALE, nationality="AZ",
            vulnerabilities=["elderly"],
        ))
        session.commit()
    auditor = await browser("auditor")

    async def refs(query: str) -> tuple[list[str], str]:
        r = await auditor.get(f"/ui/cases?{query}")
        assert r.status_code == 200
        count = re.search(r'data-testid="case-count">([^<]+)<', r.text)
        assert count
        return re.findall(r"LV-2026-\d{6}", r.text), count.group(1)

    assert await refs("q=000012") == (["LV-2026-000012"], "1 case")
    found, count = await refs("country=th")
    assert count == "9 cases" and len(found) == 9
    found, count = await refs("")
    assert count == "28 cases" and len(found) == 25
    found, _ = await refs("page=2")
    assert len(found) == 3
    assert await refs("vulnerability=elderly") == (["LV-2026-990001"], "1 case")
    assert (await refs("stage=nonsense"))[1] == "28 cases"  # an unknown option filters nothing
    insert_case(engine, reference="LV-2026-990003", assignee_id="caseworker2")
    assert await refs("caseworker=caseworker2") == (["LV-2026-990003"], "1 case")

    # The dashboards: stuck cases by reason (supervisors), overdue monitoring visits (the
    # case's partner and assignee, supervisors), from the work queue's tables.
    now = datetime.now(UTC)
    visited = insert_case(engine, reference="LV-2026-990002", stage=Stage.MONITORING,
                          partner_id="GE-partner", assignee_id="caseworker2")
    with Session(engine) as session:
        session.add(CaseDeadline(case_id=visited.id, kind=DeadlineKind.MONITORING_VISIT,
                                 due_at=now - timedelta(days=20), detail="monitoring visit 1"))
        session.add(CaseTask(case_id=flagged.id, kind=TaskKind.CLEARANCE, stage=Stage.CLEARANCE,
                             role=Role.CASEWORKER, since=now - timedelta(days=9),
                             due_at=now - timedelta(days=2), summary="clearance"))
        session.flush()
        refresh_due_columns(session, [visited.id, flagged.id])  # as the projection does
        session.commit()

    async def panel(user: str, testid: str) -> str:
        page = (await (await browser(user)).get("/ui")).text
        if f'data-testid="{testid}"' not in page:
            return ""
        part = page[page.index(f'data-testid="{testid}"'):]
        return part[:part.index("</ul>" if testid == "stuck-summary" else "</table>")]

    summary = await panel("supervisor", "stuck-summary")
    assert "Decisions past their time limit: 1" in summary
    assert "Deadlines missed: 1" in summary and "Deadlines at risk: 0" in summary
    assert await panel("caseworker", "stuck-summary") == ""
    for user in ("supervisor", "partner", "caseworker2"):
        table = await panel(user, "overdue-visits")
        assert re.findall(r"LV-2026-\d{6}", table) == ["LV-2026-990002"], user
    assert "LV-2026-990002" not in await panel("caseworker", "overdue-visits")


async def test_reports_page_and_downloads_follow_the_report_policy(
    browser: Browser, engine: Engine
) -> None:
    sup = await browser("supervisor")
    r = await sup.get("/ui/reports?start=2026-01-01&end=2026-12-31")
    assert r.status_code == 200 and 'data-testid="persons-returned">0<' in r.text
    assert 'data-testid="simulated-costs"' not in r.text  # none booked: no section
    link = re.search(r'href="(/ui/reports/download\?[^"]+format=csv)"', r.text)
    # A ticket the travel desk recorded and one a simulator made up: the page shows the
    # first as consumed and the second apart, as simulated costs, not spending.
    case = insert_case(engine, reference="LV-2026-880001")
    with Session(engine) as session:
        for key, amount, simulated in (("desk", "100.00", False), ("sim", "380.00", True)):
            book_cost(session, key=f"{case.id}:{key}", case_id=case.id,
                      category=CostCategory.TICKET, amount=Decimal(amount),
                      incurred_on=date(2026, 3, 1), description=f"{key} ticket",
                      simulated=simulated)
    r = await sup.get(f"/ui/reports?project_id={case.project_id}&start=2026-01-01"
                      "&end=2026-12-31")
    assert 'data-testid="consumed">100.00<' in r.text  # the budget today: spent only
    assert "Simulated costs, not spending" in r.text
    assert 'data-testid="simulated-period">380.00 EUR<' in r.text
    assert 'data-testid="simulated-budget">380.00 EUR<' in r.text
    r = await sup.get(f"/ui/cases/{case.id}")
    assert 'data-testid="costs-total">100.00<' in r.text
    assert 'data-testid="costs-simulated">380.00<' in r.text
    assert r.text.count('data-testid="cost-simulated"') == 1
    assert link
    csv = await sup.get(link.group(1).replace("&amp;", "&"))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    xlsx = await sup.get(link.group(1).replace("&amp;", "&").replace("csv", "xlsx"))
    assert xlsx.content[:2] == b"PK"
    r = await sup.get("/ui/reports?start=2026-06-01&end=2026-01-01")
    assert r.status_code == 422 and 'id="end-error"' in r.text
    cw = await browser("caseworker")
    assert (await cw.get("/ui/reports")).status_code == 403
    assert (await cw.get(link.group(1).replace("&amp;", "&"))).status_code == 403


async def test_stuck_cases_page_shows_reasons_and_actions_to_supervisors(
    browser: Browser, engine: Engine
) -> None:
    now = datetime.now(UTC)
    case = insert_case(engine, reference="LV-2026-770001", stage=Stage.ELIGIBILITY,
                       assignee_id="caseworker")
    insert_case(engine, reference="LV-2026-770002")  # nothing overdue: not stuck
    with Session(engine) as session:
        session.add(CaseTask(
            case_id=case.id, kind=TaskKind.APPROVE_ELIGIBILITY, stage=Stage.ELIGIBILITY,
            role=Role.SUPERVISOR, since=now - timedelta(days=3), due_at=now - timedelta(days=1),
            summary="approve the eligibility assessment",
        ))
        session.flush()
        refresh_due_columns(session, [case.id])  # as the projection does
        session.commit()
    sup = await browser("supervisor")
    r = await sup.get("/ui/supervision/stuck")
    assert r.status_code == 200
    assert re.findall(r"LV-2026-77000\d", r.text) == ["LV-2026-770001"]
    assert "task overdue" in r.text and "approve the eligibility assessment" in r.text
    assert 'action="/ui/cases/' + case.id + '/actions/assignment"' in r.text
    assert 'action="/ui/cases/' + case.id + '/actions/reminder"' in r.text
    # "Retry now" is offered only where an external call is failing; asked anyway, it says why not.
    assert 'action="/ui/cases/' + case.id + '/retry-now"' not in r.text
    r = await sup.post(f"/ui/cases/{case.id}/retry-now", data={"csrf_token": csrf_of(r.text)})
    assert r.status_code == 303
    done = (await sup.get(r.headers["location"])).text
    assert "LV-2026-770001: nothing retried (no external call of this case is failing)" in done
    # The overdue approval is also on the supervisor's own task list on the dashboard.
    tasks = (await sup.get("/ui")).text
    tasks = tasks[tasks.index('data-testid="tasks"'):]
    assert "LV-2026-770001" in tasks[:tasks.index("</table>")] and "overdue" in tasks
    r = await sup.get("/ui/supervision/stuck?reason=deadline_missed")
    assert "LV-2026-770001" not in r.text
    assert (await (await browser("caseworker")).get("/ui/supervision/stuck")).status_code == 403


async def test_outreach_is_recorded_without_names_and_the_portfolio_shows_it(
    browser: Browser, engine: Engine
) -> None:
    """A caseworker records a session at a detention centre (counts by nationality, sex and
    age band); the report and the fund's portfolio count the persons reached; the reports
    page opens on the project's period."""
    with Session(engine) as session:
        project = session.exec(select(Project).where(Project.code == "default")).one()
        project_id, start = project.id, project.period_start
    cw = await browser("caseworker")
    page = await cw.get(f"/ui/outreach?project_id={project_id}")
    assert page.status_code == 200 and 'data-testid="outreach-form"' in page.text
    form = {"csrf_token": csrf_of(page.text), "project_id": project_id,
            "kind": "information_session", "place_type": "detention_centre",
            "place_name": "Daugavpils", "held_on": date.today().isoformat(),
            "nationality-0": "ge", "sex-0": "male", "age_band-0": "18-34", "persons-0": "7",
            "nationality-1": "UZ", "sex-1": "female", "age_band-1": "35-59", "persons-1": "0"}
    r = await cw.post("/ui/outreach", data=form)
    assert r.status_code == 422 and "greater than or equal to 1" in r.text  # row 2's persons
    assert 'value="Daugavpils"' in r.text  # what was typed stays
    r = await cw.post("/ui/outreach", data=form | {"persons-1": "2"})
    assert r.status_code == 303
    page = await cw.get(r.headers["location"])
    assert "GE male 18-34: 7; UZ female 35-59: 2" in page.text
    auditor = await browser("auditor")
    page = await auditor.get(f"/ui/outreach?project_id={project_id}")
    assert page.status_code == 200 and "Daugavpils" in page.text
    assert 'data-testid="outreach-form"' not in page.text  # auditors read only
    assert (await auditor.post("/ui/outreach", data=form)).status_code == 403

    sup = await browser("supervisor")
    r = await sup.get(f"/ui/reports?project_id={project_id}")
    assert f'name="start" type="date" value="{start.isoformat()}"' in r.text
    assert 'data-testid="outreach-persons">9<' in r.text
    assert 'data-testid="indicators"' in r.text and "AMIF-R.3.6" in r.text
    r = await sup.get(f"/ui/reports/portfolio?fund=other&year={date.today().year}")
    assert r.status_code == 200
    row = re.search(r'<tr data-testid="portfolio-row">.*?</tr>', r.text, re.DOTALL)
    assert row and "default" in row.group(0) and "<td>9</td>" in row.group(0)
    assert (await cw.get("/ui/reports/portfolio")).status_code == 403
