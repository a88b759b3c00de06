"""Web pages: sign in and out, and the dashboard.

Every page route has its rule in api/policy.py like the API's; the pages call the same
services the API routes call (never the API over HTTP). The other pages are in the ui_*
modules: ui_case_list (the case list), ui_cases (a case and its decisions), ui_worklists
(departures, a partner's cases, stuck cases) and ui_reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from api.auth import CurrentUser, actor_of
from api.deps import SessionDep, SettingsDep
from api.policy import allowed
from api.user_service import LoginRefused, authenticate, sign_out
from api.web import queries
from api.web.charts import bar_chart, funnel
from api.web.panels import DASHBOARD_PANELS
from api.web.security import clear_session, set_session, verify_csrf
from api.web.templating import page_language, render
from core import i18n
from core.i18n import _
from core.security import create_access_token
from models.users import User

DEPARTURES_SHOWN = 50

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


@router.post("/language", dependencies=[Depends(verify_csrf)])
async def choose_language(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The language switcher (every page's header): the user's language, back to the page."""
    form = await request.form()
    choice = str(form.get("language", ""))
    if choice in i18n.LANGUAGES:
        mine = session.get(User, user.id)
        if mine is not None:
            mine.language = choice
            session.add(mine)
            session.commit()
    return RedirectResponse(safe_next(form.get("next")), status_code=303)


@router.get("")
def dashboard(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """What waits on me, cases by stage, departures this week, returns and the stage funnel."""
    today = date.today()
    i18n.use(page_language(request))
    context: dict[str, Any] = {"today": today, "panels": [
        (p.title, p.template, data) for p in DASHBOARD_PANELS
        if (data := p.load(session, user, today, request.app.state.settings)) is not None
    ]}
    if allowed("GET", "/ui/cases", user.role):
        first, last = queries.week_of(today)
        viewer = actor_of(user)  # need to know: restricted cases only for those who may see
        per_month = [(i18n.month_label(label), n) for label, n in
                     queries.returns_per_month(session, today, viewer=viewer)]
        reached = queries.stage_funnel(session, viewer)
        context |= {
            "tasks": queries.awaiting(
                session, caseworker_only=user.role == "caseworker", viewer=viewer
            ),
            "by_stage": [(s, n) for s, n in queries.cases_by_stage(session, viewer) if n],
            "week": (first, last),
            # The soonest DEPARTURES_SHOWN with the week's number (the departures page has
            # them all): an office with hundreds in a week rendered every one on every view.
            "departures": queries.departures_between(session, first, last, viewer,
                                                     limit=DEPARTURES_SHOWN),
            "departures_total": queries.count_departures_between(session, first, last, viewer),
            "returns_chart": bar_chart(_("Persons returned per month"), per_month),
            "funnel_chart": funnel(
                _("Cases that reached each stage"),
                [(_(s.value.replace("_", " ")), n) for s, n in reached],
            ),
        }
    return render(request, "dashboard.html", context)
