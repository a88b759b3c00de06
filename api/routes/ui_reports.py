"""Web pages of reports: a project's figures, charts, and the CSV/XLSX downloads."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request, Response

from activities.costs import budget_figures
from api.auth import CurrentUser
from api.deps import SessionDep
from api.report_formats import to_csv, to_xlsx
from api.reports import Window, build_report
from api.routes.reports import XLSX
from api.web import queries
from api.web.charts import bar_chart
from api.web.templating import render
from core.i18n import _
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
                _("Persons returned by country of origin"),
                list(report.persons_returned_by_country_of_origin.items()) or [(_("none"), 0)],
            ),
            "age": bar_chart(_("Persons returned by age band"),
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
