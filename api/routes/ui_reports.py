"""Web pages of reports: a project's figures, charts, and the CSV/XLSX downloads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request, Response

from activities.costs import budget_figures
from api.auth import CurrentUser
from api.deps import SessionDep
from api.report_sections import DEFAULT_THRESHOLD
from api.reports import Window, build_report
from api.routes.reports import report_file
from api.web import queries
from api.web.charts import bar_chart
from api.web.templating import page_language, render
from core import i18n
from core.i18n import _, pgettext
from models.schemas_reports import ProjectReport
from models.tables import Project

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)


def _report_window(p: Any) -> tuple[Window | None, dict[str, str]]:
    errors: dict[str, str] = {}

    def day(name: str) -> date | None:
        raw = p.get(name) or ""
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("not a date (YYYY-MM-DD)")
            return None

    start, end, as_of = day("start"), day("end"), day("as_of")
    if errors:
        return None, errors
    if as_of is not None:
        if start or end:
            errors["as_of"] = _("give either as of, or start and end, not both")
            return None, errors
        return Window(start=None, end=as_of), errors
    if start is None or end is None:
        errors["start" if start is None else "end"] = _("give start and end, or as of")
        return None, errors
    if end < start:
        errors["end"] = _("end is before start")
        return None, errors
    return Window(start=start, end=end), errors


def _project_period(project: Project | None) -> tuple[str, str]:
    today = date.today()
    if project is None:
        return f"{today.year}-01-01", today.isoformat()
    end = min(project.period_end, max(today, project.period_start))
    return project.period_start.isoformat(), end.isoformat()


def _threshold(raw: str, errors: dict[str, str]) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal(-1)
    if not Decimal(0) <= value <= Decimal(1):
        errors["threshold"] = _("a score from 0 to 1, e.g. 0.66")
        return DEFAULT_THRESHOLD
    return value


def section_charts(report: ProjectReport) -> dict[str, Any]:
    """Charts of the sections people would rather look at than read."""
    # A component's level ("community": serving a community, not where someone lives).
    levels = {"individual": pgettext("level", "individual"),
              "community": pgettext("level", "community"),
              "structural": pgettext("level", "structural")}
    outcomes = report.reintegration_outcomes
    return {
        "outreach": bar_chart(
            _("Persons reached by outreach, by nationality"),
            list(report.outreach.persons_reached_by_nationality.items()) or [(_("none"), 0)]),
        "sustainability": bar_chart(
            _("Overall sustainability score at 12 months, visits by score band"),
            list(outcomes.sustainability_distribution["12"]["overall"].items())),
        "levels": bar_chart(
            _("Plan components delivered by level"),
            [(levels.get(k, k), f.components)
             for k, f in outcomes.components_delivered_by_level.items()]),
    }


@router.get("/reports")
def reports(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """A project's figures for a period or as of a day, charts, and CSV/XLSX downloads."""
    i18n.use(page_language(request))  # the charts are drawn here, in the user's language
    p = request.query_params
    projects = queries.projects(session)
    chosen = p.get("project_id") or (projects[0].id if projects else "")
    project = session.get(Project, chosen) if chosen else None
    # The period defaults to the project's (up to today for a running project).
    first, last = _project_period(project)
    values = {
        "project_id": chosen,
        "start": p.get("start", "" if p.get("as_of") else first),
        "end": p.get("end", "" if p.get("as_of") else last),
        "as_of": p.get("as_of", ""),
        "threshold": p.get("threshold", str(DEFAULT_THRESHOLD)),
    }
    window, errors = _report_window(values)
    threshold = _threshold(values["threshold"], errors)
    report, charts, status, budget = None, {}, 200, None
    if chosen and project is None:
        errors["project_id"] = _("no such project")
    if errors:
        status = 422
    elif project is not None and window is not None:
        report = build_report(session, project, window, threshold)
        budget = budget_figures(session, project)
        charts = {
            "country": bar_chart(
                _("Persons returned by country of origin"),
                list(report.persons_returned_by_country_of_origin.items()) or [(_("none"), 0)],
            ),
            "age": bar_chart(_("Persons returned by age band"),
                             list(report.persons_returned_by_age_band.items())),
            **section_charts(report),
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
    report = build_report(session, project, window, _threshold(
        p.get("threshold") or str(DEFAULT_THRESHOLD), errors))
    return report_file(report, project, window, fmt)
