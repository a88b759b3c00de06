"""The web interface without a browser: policy, forms and refusals on the case list and the
dashboards, the reports page and its downloads, the stuck cases page, outreach and the
fund's portfolio."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from activities.costs import book_cost
from activities.projection import refresh_due_columns
from models.enums import CostCategory, DeadlineKind, Relationship, Role, Sex, Stage, TaskKind
from models.tables import HouseholdMember, Project
from models.tasks import CaseDeadline, CaseTask
from tests.factories import insert_case
from tests.ui.conftest import Browser, csrf_of


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
    assert await refs("page=" + "9" * 30) == ([], "28 cases")  # past the end: no error
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
    # Each count links to the stuck list under its reason, which shows as many cases.
    counts = re.findall(r'href="/ui/supervision/stuck\?reason=(\w+)">[^<]*?(\d+)</a>', summary)
    assert len(counts) == 4
    for reason, n in counts:
        page = (await (await browser("supervisor")).get(f"/ui/supervision/stuck?reason={reason}"))
        assert re.search(rf'data-testid="stuck-count">{n} stuck case', page.text), reason
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


async def test_a_partners_cases_come_twenty_to_a_page(browser: Browser, engine: Engine) -> None:
    # Each case on the page asks its workflow for its state: a page of twenty, not every case.
    for n in range(25):
        insert_case(engine, reference=f"LV-2026-98{n:04d}", partner_id="GE-partner")
    partner = await browser("partner")
    first, second = [(await partner.get(f"/ui/partner?page={p}")).text for p in (1, 2)]

    def shown(html: str) -> set[str]:
        return set(re.findall(r'id="pc-[^"]+">(LV-2026-98\d{4})<', html))

    assert len(shown(first)) == 20 and len(shown(second)) == 5
    assert not shown(first) & shown(second)
    assert 'href="/ui/partner?page=2" rel="next"' in first and "Page 2 of 2" in second
    assert shown((await partner.get("/ui/partner?page=x")).text) == shown(first)
    past = await partner.get("/ui/partner?page=" + "9" * 30)
    assert past.status_code == 200 and not shown(past.text)
