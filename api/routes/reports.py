"""Donor reports of a project: a period, or cumulative as of a day; JSON, CSV or XLSX."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response

from api.deps import SessionDep
from api.report_formats import to_csv, to_xlsx
from api.report_sections import DEFAULT_THRESHOLD
from api.reports import Window, build_report
from api.routes.projects import get_project_or_404
from models.schemas_reports import ProjectReport
from models.tables import Project

router = APIRouter(prefix="/projects", tags=["projects"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refuse(where: str, msg: str) -> HTTPException:
    return HTTPException(
        status_code=422, detail=[{"loc": ["query", where], "msg": msg, "type": "value_error"}]
    )


@router.get(
    "/{project_id}/report",
    response_model=ProjectReport,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def project_report(
    project_id: str,
    session: SessionDep,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    format: Literal["json", "csv", "xlsx"] = "json",
    threshold: Annotated[Decimal, Query(ge=0, le=1, description="Sustainability score "
                                        "counted as sustainable at 12 months")] = DEFAULT_THRESHOLD,
) -> ProjectReport | Response:
    """Figures of a period (start and end, both inclusive) or cumulative as of a day."""
    if as_of is not None:
        if start is not None or end is not None:
            raise _refuse("as_of", "give either as_of or start and end, not both")
        window = Window(start=None, end=as_of)
    else:
        if start is None or end is None:
            raise _refuse("start" if start is None else "end", "give start and end, or as_of")
        if end < start:
            raise _refuse("end", "end is before start")
        window = Window(start=start, end=end)
    project = get_project_or_404(session, project_id)
    report = build_report(session, project, window, threshold)
    if format == "json":
        return report
    return report_file(report, project, window, format)


def report_file(report: ProjectReport, project: Project, window: Window, fmt: str) -> Response:
    """The report as a CSV or XLSX file to download, named by the project's code and the
    period."""
    span = f"as-of-{window.end}" if window.start is None else f"{window.start}_{window.end}"
    filename = f"report-{project.code.replace('/', '-')}-{span}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(to_csv(report), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(to_xlsx(report), media_type=XLSX, headers=headers)
