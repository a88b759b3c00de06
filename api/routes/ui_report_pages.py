"""Web pages around the reports: outreach without a case (record and list) and a fund's
portfolio of projects side by side."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.auth import CurrentUser, actor_of
from api.deps import SessionDep
from api.portfolio import portfolio
from api.routes.outreach import list_outreach, record_outreach
from api.web import queries
from api.web.charts import bar_chart
from api.web.params import option
from api.web.security import verify_csrf
from api.web.templating import page_language, render
from core import i18n
from core.i18n import _
from models.enums import Fund, LocationType, Sex
from models.report_data import AGE_BAND_LABELS, OutreachKind
from models.schemas_outreach import OutreachIn
from models.tables import Project

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)
REACHED_ROWS = 4


def _outreach_page(request: Request, session: SessionDep, user: CurrentUser,
                   project_id: str, state: dict[str, Any] | None = None,
                   status: int = 200) -> Response:
    projects = queries.projects(session)
    chosen = project_id or (projects[0].id if projects else "")
    contacts = (list_outreach(chosen, session, actor_of(user))
                if session.get(Project, chosen) else [])
    return render(request, "outreach.html", {
        "project_options": [(p.id, f"{p.code}: {p.title}") for p in projects],
        "project_id": chosen, "contacts": contacts, "kinds": list(OutreachKind),
        "places": list(LocationType), "sexes": list(Sex), "bands": AGE_BAND_LABELS,
        "rows": range(REACHED_ROWS), "state": state or {}, "today": date.today().isoformat(),
    }, status)


@router.get("/outreach")
def outreach(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """A project's information sessions and counselling contacts, and the form to add one."""
    return _outreach_page(request, session, user, request.query_params.get("project_id", ""))


@router.post("/outreach", dependencies=[Depends(verify_csrf)])
async def add_outreach(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Record a session or contact: persons reached by nationality, sex and age band."""
    i18n.use(page_language(request))  # the refusals below, in the user's language
    form = {k: str(v) for k, v in (await request.form()).items()}
    project_id = form.get("project_id", "")
    reached = [
        {"nationality": form.get(f"nationality-{i}", "").strip().upper(),
         "sex": form.get(f"sex-{i}", ""), "age_band": form.get(f"age_band-{i}", ""),
         "persons": form.get(f"persons-{i}", "").strip()}
        for i in range(REACHED_ROWS)
    ]
    raw = {k: form.get(k, "") for k in ("kind", "place_type", "place_name", "held_on")}
    raw["reached"] = [r for r in reached if r["nationality"] or r["persons"]]  # type: ignore[assignment]
    errors: dict[str, str] = {}
    if session.get(Project, project_id) is None:
        errors["project_id"] = _("no such project")
    try:
        data = OutreachIn.model_validate(raw)
    except ValidationError as err:
        for e in err.errors(include_url=False):
            loc = e["loc"]
            key = f"{loc[2]}-{loc[1]}" if loc[0] == "reached" and len(loc) > 2 else str(
                loc[0] if loc else "reached")
            errors.setdefault(key, str(e["msg"]))
    if errors:
        return _outreach_page(request, session, user, project_id,
                              {"errors": errors, "values": form}, 422)
    record_outreach(session, project_id, data, actor_of(user))
    return RedirectResponse(f"/ui/outreach?project_id={project_id}&done=recorded",
                            status_code=303)


@router.get("/reports/portfolio")
def portfolio_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """A fund's projects in a year side by side, with the totals."""
    i18n.use(page_language(request))  # the chart is drawn here, in the user's language
    p = request.query_params
    fund = option(Fund, p.get("fund")) or Fund.AMIF
    try:
        year = int(p.get("year") or date.today().year)
    except ValueError:
        year = date.today().year
    report = portfolio(session, fund, year)
    chart = bar_chart(_("Persons returned by project, %(fund)s %(year)s",
                        fund=_(fund.value.replace("_", " ")), year=year),
                      [(r.project_code, r.persons_returned) for r in report.projects]
                      or [(_("none"), 0)])
    return render(request, "portfolio.html", {
        "report": report, "funds": list(Fund), "fund": fund.value, "year": year,
        "chart": chart,
    })
