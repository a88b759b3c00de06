"""Web pages: sign in and out, the dashboard, the case list, departures and reports.

Every page route has its rule in api/policy.py like the API's; the pages call the same
services the API routes call (never the API over HTTP). Case pages are in ui_cases.py.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse

from activities.costs import budget_figures
from api.auth import CurrentUser, actor_of
from api.case_list import CaseFilters, list_cases
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.policy import allowed
from api.report_formats import to_csv, to_xlsx
from api.reports import Window, build_report
from api.routes.reports import XLSX
from api.stuck import Filters, stuck_cases
from api.user_service import LoginRefused, authenticate, sign_out
from api.web import catalogue, queries
from api.web.charts import bar_chart, funnel
from api.web.live import live_state
from api.web.panels import DASHBOARD_PANELS
from api.web.security import clear_session, set_session, verify_csrf
from api.web.templating import render
from core.security import create_access_token
from models.enums import CaseStatus, Stage, StuckReason, Vulnerability
from models.schemas_aftercare import ReintegrationView
from models.tables import Project

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)


def safe_next(value: object, default: str = "/ui") -> str:
    """Only a page of this interface: never an absolute URL (no open redirect)."""
    if isinstance(value, str) and value.startswith("/ui") and "//" not in value and "\\" not in value:
        return value
    return default


def login_page(request: Request, status: int = 200, **context: Any) -> Response:
    next_path = context.pop("next", None) or request.query_params.get("next") or "/ui"
    return render(request, "login.html", {"next": safe_next(next_path), **context}, status)


@router.get("/login")
def login_form(request: Request) -> Response:
    """The sign-in form."""
    return login_page(request)


@router.post("/login", dependencies=[Depends(verify_csrf)])
async def login(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Sign in: the session cookie carries the same token as POST /auth/token."""
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_path = safe_next(form.get("next"))
    now = datetime.now(UTC)
    try:
        user = authenticate(session, settings, username, password, now)
    except LoginRefused as err:
        request.state.user = err.user  # audited like the API's sign-in
        response = login_page(
            request, err.status, error=err.detail, username=username, next=next_path
        )
        request.state.user = None
        return response
    request.state.user = user
    token, ttl = create_access_token(settings, user.id, user.role, now)
    response = RedirectResponse(next_path, status_code=303)
    set_session(response, settings, token, ttl)
    return response


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(settings: SettingsDep, session: SessionDep, user: CurrentUser) -> Response:
    """Sign out: the user's sessions end (here and in any other browser or client) and the
    browser forgets the session cookie."""
    sign_out(session, user, datetime.now(UTC))
    response = RedirectResponse("/ui/login", status_code=303)
    clear_session(response, settings)
    return response


@router.get("")
def dashboard(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """What waits on me, cases by stage, departures this week, returns and the stage funnel."""
    today = date.today()
    context: dict[str, Any] = {"today": today, "panels": [
        (p.title, p.template, data) for p in DASHBOARD_PANELS
        if (data := p.load(session, user, today, request.app.state.settings)) is not None
    ]}
    if allowed("GET", "/ui/cases", user.role):
        first, last = queries.week_of(today)
        per_month = queries.returns_per_month(session, today)
        reached = queries.stage_funnel(session)
        context |= {
            "tasks": queries.awaiting(session, caseworker_only=user.role == "caseworker"),
            "by_stage": [(s, n) for s, n in queries.cases_by_stage(session) if n],
            "week": (first, last),
            "departures": queries.departures_between(session, first, last),
            "returns_chart": bar_chart("Persons returned per month", per_month),
            "funnel_chart": funnel(
                "Cases that reached each stage", [(s.value.replace("_", " "), n) for s, n in reached]
            ),
        }
    return render(request, "dashboard.html", context)


PAGE_SIZE = 25


def _filters(request: Request) -> tuple[CaseFilters, int, dict[str, str]]:
    """The list's filters and page from the query string; a value that is not an option is
    ignored."""
    p = request.query_params

    def pick(enum: type, value: str | None) -> Any:
        try:
            return enum(value) if value else None
        except ValueError:
            return None

    try:
        page = max(int(p.get("page", "1")), 1)
    except ValueError:
        page = 1
    f = CaseFilters(
        reference=p.get("q", "")[:40],
        stage=pick(Stage, p.get("stage")),
        status=pick(CaseStatus, p.get("status")),
        country=p.get("country", "")[:2],
        project_id=p.get("project_id", "")[:36],
        vulnerability=pick(Vulnerability, p.get("vulnerability")),
        assignee_id=p.get("caseworker", "")[:100],
    )
    shown = {
        "q": f.reference or "", "stage": f.stage.value if f.stage else "",
        "status": f.status.value if f.status else "",
        "country": f.country or "", "project_id": f.project_id or "",
        "vulnerability": f.vulnerability.value if f.vulnerability else "",
        "caseworker": f.assignee_id or "",
    }
    return f, page, shown


@router.get("/cases")
def case_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Cases, newest first: search by reference, filter, page."""
    f, page, shown = _filters(request)
    rows, total = list_cases(session, f, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    query = urlencode({k: v for k, v in shown.items() if v})
    projects = queries.projects(session)
    caseworkers = queries.caseworkers(session, active_only=False)
    return render(request, "cases.html", {
        "caseworker_options": [(u.id, u.full_name) for u in caseworkers],
        "cases": rows, "total": total, "page": page, "pages": pages, "filters": shown,
        "query": query, "stages": list(Stage), "statuses": list(CaseStatus),
        "vulnerabilities": list(Vulnerability),
        "projects_options": [(p.id, f"{p.code}: {p.title}") for p in projects],
        "can_open": allowed("GET", "/ui/cases/{case_id}", user.role),
    })


@router.get("/departures")
async def departures(
    request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
) -> Response:
    """Booked departures to confirm (border guard) or follow (staff): no personal data."""
    return await departures_page(request, session, client, user)


async def _with_live_states(
    client: Any, user: Any, rows: list[Any], session: Any
) -> tuple[list[dict[str, Any]], date]:
    """Each case with its workflow's live state and the actions the user may take on it now
    (the session is closed first: no connection is held while Temporal answers)."""
    session.close()
    states = await asyncio.gather(*(live_state(client, c.id) for c in rows))
    actor, today = actor_of(user), date.today()
    return [
        {"case": case, "state": state,
         "offered": catalogue.available(state, actor, today) if state else []}
        for case, state in zip(rows, states, strict=True)
    ], today


async def departures_page(
    request: Request, session: Any, client: Any, user: Any,
    form_state: dict[str, Any] | None = None, status: int = 200,
) -> Response:
    items, today = await _with_live_states(client, user, queries.booked(session), session)
    for item in items:
        item["offered"] = [a for a in item["offered"] if a.action.key == "departure"]
    return render(request, "departures.html", {
        "items": items, "form_state": form_state or {}, "today": today,
        "can_open": allowed("GET", "/ui/cases/{case_id}", user.role),
    }, status)


@router.get("/partner")
async def partner_cases(
    request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
) -> Response:
    """A partner's cases (handed over to its organisation) and what it can report on each."""
    return await partner_page(request, session, client, user)


async def partner_page(
    request: Request, session: Any, client: Any, user: Any,
    form_state: dict[str, Any] | None = None, status: int = 200,
) -> Response:
    rows = queries.handed_over_to(session, user.partner_org)
    items, today = await _with_live_states(client, user, rows, session)
    for item in items:
        item["view"] = ReintegrationView.of(item["state"]) if item["state"] else None
    return render(request, "partner.html", {
        "items": items, "form_state": form_state or {}, "today": today,
    }, status)


@router.get("/supervision/stuck")
async def stuck(
    request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
) -> Response:
    """Stuck cases with their reasons, most severe first; reassign, remind, open to cancel."""
    p = request.query_params

    def pick(enum: type, value: str | None) -> Any:
        try:
            return enum(value) if value else None
        except ValueError:
            return None

    filters = Filters(
        stage=pick(Stage, p.get("stage")), reason=pick(StuckReason, p.get("reason")),
        country=(p.get("country") or "").upper()[:2] or None,
    )
    found, count = await stuck_cases(session, client, datetime.now(UTC), filters, limit=100)
    caseworkers = queries.caseworkers(session)
    return render(request, "stuck.html", {
        "cases": found, "count": count, "caseworkers": caseworkers,
        "filters": {"stage": p.get("stage", ""), "reason": p.get("reason", ""),
                    "country": p.get("country", "")},
        "stages": list(Stage), "reasons": list(StuckReason),
    })


def _report_window(p: Any) -> tuple[Window | None, dict[str, str]]:
    errors: dict[str, str] = {}

    def day(name: str) -> date | None:
        raw = p.get(name) or ""
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[name] = "not a date (YYYY-MM-DD)"
            return None

    start, end, as_of = day("start"), day("end"), day("as_of")
    if errors:
        return None, errors
    if as_of is not None:
        if start or end:
            errors["as_of"] = "give either as of, or start and end, not both"
            return None, errors
        return Window(start=None, end=as_of), errors
    if start is None or end is None:
        errors["start" if start is None else "end"] = "give start and end, or as of"
        return None, errors
    if end < start:
        errors["end"] = "end is before start"
        return None, errors
    return Window(start=start, end=end), errors


@router.get("/reports")
def reports(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """A project's figures for a period or as of a day, charts, and CSV/XLSX downloads."""
    p = request.query_params
    today = date.today()
    projects = queries.projects(session)
    chosen = p.get("project_id") or (projects[0].id if projects else "")
    values = {
        "project_id": chosen,
        "start": p.get("start", "" if p.get("as_of") else f"{today.year}-01-01"),
        "end": p.get("end", "" if p.get("as_of") else today.isoformat()),
        "as_of": p.get("as_of", ""),
    }
    window, errors = _report_window(values)
    report, charts, status, budget = None, {}, 200, None
    project = session.get(Project, chosen) if chosen else None
    if chosen and project is None:
        errors["project_id"] = "no such project"
    if errors:
        status = 422
    elif project is not None and window is not None:
        report = build_report(session, project, window)
        budget = budget_figures(session, project)
        charts = {
            "country": bar_chart(
                "Persons returned by country of origin",
                list(report.persons_returned_by_country_of_origin.items()) or [("none", 0)],
            ),
            "age": bar_chart("Persons returned by age band",
                             list(report.persons_returned_by_age_band.items())),
        }
    download = urlencode({k: v for k, v in values.items() if v})
    return render(request, "reports.html", {
        "project_options": [(p.id, f"{p.code}: {p.title}") for p in projects],
        "values": values, "errors": errors, "report": report, "budget": budget,
        "charts": charts, "download": download,
    }, status)


@router.get("/reports/download")
def report_download(request: Request, session: SessionDep) -> Response:
    """The report as a CSV or XLSX file, the same as the API's."""
    p = request.query_params
    fmt = p.get("format")
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(status_code=422, detail="format must be csv or xlsx")
    window, errors = _report_window(p)
    project = session.get(Project, p.get("project_id") or "")
    if project is None:
        raise HTTPException(status_code=404, detail="no such project")
    if window is None:
        raise HTTPException(status_code=422, detail="; ".join(f"{k}: {v}" for k, v in errors.items()))
    report = build_report(session, project, window)
    span = f"as-of-{window.end}" if window.start is None else f"{window.start}_{window.end}"
    filename = f"report-{project.code.replace('/', '-')}-{span}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(to_csv(report), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(to_xlsx(report), media_type=XLSX, headers=headers)
