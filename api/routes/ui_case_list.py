"""The web case list: search by reference or person, filter, page (the API's list query)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from api.auth import CurrentUser, actor_of
from api.case_list import CaseFilters, list_cases
from api.deps import SessionDep
from api.policy import allowed
from api.web import queries
from api.web.params import option, page_count, page_number
from api.web.templating import render
from models.enums import CaseStatus, Stage, Vulnerability
from models.people import Actor

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)

PAGE_SIZE = 25


def _filters(request: Request, viewer: Actor) -> tuple[CaseFilters, int, dict[str, str]]:
    """The list's filters and page from the query string; a value that is not an option is
    ignored."""
    p = request.query_params

    page = page_number(p.get("page"))
    f = CaseFilters(
        reference=p.get("q", "")[:40],
        stage=option(Stage, p.get("stage")),
        status=option(CaseStatus, p.get("status")),
        country=p.get("country", "")[:2],
        project_id=p.get("project_id", "")[:36],
        vulnerability=option(Vulnerability, p.get("vulnerability")),
        assignee_id=p.get("caseworker", "")[:100],
        person=p.get("person", "")[:200],
        viewer=viewer,
    )
    shown = {
        "q": f.reference or "", "stage": f.stage.value if f.stage else "",
        "status": f.status.value if f.status else "",
        "country": f.country or "", "project_id": f.project_id or "",
        "vulnerability": f.vulnerability.value if f.vulnerability else "",
        "caseworker": f.assignee_id or "",
        "person": f.person or "",
    }
    return f, page, shown


@router.get("/cases")
def case_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Cases, newest first: search by reference or person, filter, page."""
    f, page, shown = _filters(request, actor_of(user))
    rows, total = list_cases(session, f, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = page_count(total, PAGE_SIZE)
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
