"""A project's targets (whole figures or split by a breakdown) and a fund's portfolio."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.deps import SessionDep
from api.portfolio import portfolio
from api.routes.projects import get_project_or_404
from api.targets import replace_targets, split_refused, target_rows
from models.enums import Fund
from models.report_data import ProjectTarget
from models.schemas_outreach import TargetIn, TargetsIn
from models.schemas_reports import PortfolioReport

router = APIRouter(tags=["reports"])


def _rows(session: SessionDep, project_id: str) -> list[TargetIn]:
    return [TargetIn(figure=r.figure, breakdown=r.breakdown, part=r.part, target=r.target)
            for r in target_rows(session, project_id)]


@router.get("/projects/{project_id}/targets", response_model=TargetsIn)
def read_targets(project_id: str, session: SessionDep) -> TargetsIn:
    """The project's targets: whole figures, and the parts of split ones."""
    project = get_project_or_404(session, project_id)
    return TargetsIn(targets=_rows(session, project.id))


@router.put("/projects/{project_id}/targets", response_model=TargetsIn)
def replace_project_targets(project_id: str, data: TargetsIn, session: SessionDep) -> TargetsIn:
    """Replace the project's targets. A split target is one row per part, e.g.
    persons_returned by country_of_origin: GR 295, IT 186, TR 50."""
    project = get_project_or_404(session, project_id)
    errors = [
        {"loc": ["body", "targets", i, "breakdown"], "msg": why, "type": "value_error"}
        for i, t in enumerate(data.targets)
        if t.breakdown and (why := split_refused(t.figure, t.breakdown)) is not None
    ]
    if errors:
        raise HTTPException(status_code=422, detail=errors)
    replace_targets(session, project, [
        ProjectTarget(project_id=project.id, **t.model_dump()) for t in data.targets])
    session.commit()
    return TargetsIn(targets=_rows(session, project.id))


@router.get("/reports/portfolio", response_model=PortfolioReport)
def fund_portfolio(
    session: SessionDep, fund: Fund, year: Annotated[int, Query(ge=2000, le=2100)],
) -> PortfolioReport:
    """All projects of a fund whose period meets the year, side by side, with the totals."""
    return portfolio(session, fund, year)
