"""Web pages of cases: open a case for a household, the case page, and its decisions.

A case is opened as POST /cases opens it (api.case_service.open_case). A decision posted here
runs the same workflow update as its API route, as the signed-in user, under that route's
rule in api/policy.py; the workflow's refusal is shown on the page.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.datastructures import FormData, UploadFile

from api import household_service, partner_choice
from api.auth import CurrentUser, actor_of
from api.case_list import CaseFilters, list_cases
from api.case_service import WorkflowNotStarted, open_case
from api.case_timeline import read_timeline
from api.decisions import take
from api.deps import CaseDep, PartnerCaseDep, SessionDep, SettingsDep, TemporalDep
from api.document_checks import DocumentRefused
from api.notes import list_notes
from api.project_service import ProjectRefused
from api.routes.supervision import retry_failing_calls
from api.routes.ui import safe_next
from api.routes.ui_worklists import refused_on_worklist
from api.web import case_form, catalogue, queries
from api.web.charts import process_map
from api.web.documents import documents_view
from api.web.live import live_state
from api.web.panels import CASE_PANELS
from api.web.process import process_nodes
from api.web.receipts import choices as receipt_choices
from api.web.receipts import receipts_of
from api.web.receipts import upload_from as upload_receipt
from api.web.security import verify_csrf
from api.web.templating import page_language, render
from core import i18n
from models.enums import LegalSituation, LocationType, Relationship, Sex, Vulnerability
from models.schemas_aftercare import ReintegrationView
from models.tables import Case, HouseholdMember, Project
from workflows.rules import BEFORE_DEPARTURE

router = APIRouter(prefix="/ui/cases", tags=["web"], include_in_schema=False)


def _new_case_page(
    request: Request, session: Session, form: FormData | None = None,
    errors: dict[str, str] | None = None,
    numbers: list[int] | None = None, status: int = 200,
) -> Response:
    values = form if form is not None else FormData()
    return render(request, "case_new.html", {
        "values": values,
        "getlist": values.getlist,
        "errors": errors or {},
        "numbers": numbers if numbers is not None else [],
        "idempotency_key": values.get("idempotency_key") or f"ui-{uuid.uuid4()}",
        "project_options": [(p.id, f"{p.code}: {p.title}") for p in queries.projects(session)],
        "getlist_empty": lambda k: [],
        "legal_situations": list(LegalSituation), "location_types": list(LocationType),
        "sexes": list(Sex), "vulnerabilities": list(Vulnerability),
        "relationships": [r for r in Relationship if r != Relationship.PRINCIPAL],
    }, status)


@router.get("/new")
def new_case_form(request: Request, session: SessionDep) -> Response:
    """The form to open a case for a household."""
    return _new_case_page(request, session)


@router.post("/new", dependencies=[Depends(verify_csrf)])
async def create_case(
    request: Request, session: SessionDep, settings: SettingsDep, client: TemporalDep,
    user: CurrentUser,
) -> Response:
    """Open the case and start its workflow; on an error the form comes back as typed."""
    form = await request.form()
    data, errors, numbers = case_form.validate(form)
    if data is None:
        return _new_case_page(request, session, form, errors, numbers, 422)
    # The form carries its key, so the same form sent twice opens one case.
    key = str(form.get("idempotency_key") or "")[:200] or None
    try:
        case, _ = await open_case(session, client, settings, data, actor_of(user), key)
    except ProjectRefused as err:
        return _new_case_page(request, session, form, {"project_id": str(err)}, numbers, 422)
    except WorkflowNotStarted as err:
        request.state.audit_case_id = err.case.id
        # open_case gave the request's connection back: the page reads with a new one.
        with Session(request.app.state.engine) as fresh:
            return _new_case_page(
                request, fresh, form, {"_form": f"{err}: send the form again"}, numbers, 503
            )
    request.state.audit_case_id = case.id
    return RedirectResponse(f"/ui/cases/{case.id}?done=opened", status_code=303)


async def case_page(
    request: Request, case: Case, user: Any, client: Any,
    form_state: dict[str, Any] | None = None, status: int = 200,
) -> Response:
    i18n.use(page_language(request))  # the process map is drawn here, in the user's language
    engine = request.app.state.engine
    with Session(engine) as session:
        household = list(session.exec(
            select(HouseholdMember).where(HouseholdMember.case_id == case.id)
            .order_by(col(HouseholdMember.position))
        ).all())
        timeline = read_timeline(session, case.id, newest_first=True)
        project = session.get(Project, case.project_id)
        panels = [
            (p.title, p.template, data) for p in CASE_PANELS
            if p.shown(request.app.state.settings) and (data := p.load(session, case)) is not None
        ]
        caseworkers = [(u.id, u.full_name) for u in queries.caseworkers(session)]
        partner_options = partner_choice.option_labels(session, case)
        minutes = request.app.state.settings.note_edit_minutes
        notes = list_notes(session, case, user, minutes)
        # Through the case list's query, so the cases shown are the cases the user may see.
        earlier, _ = list_cases(session, CaseFilters(earlier_than=case.id, viewer=actor_of(user)), 0, 10)
        documents = documents_view(session, case.id, actor_of(user), request.app.state.settings
                                   .document_max_bytes, f"/ui/cases/{case.id}", form_state)
        changes = household_service.changes(session, case.id)
        receipts = receipts_of(session, case.id)
    live = await live_state(client, case.id)
    today = date.today()
    offered = catalogue.available(live, actor_of(user), today) if live else []
    names = {m.id: f"{m.given_name} {m.family_name}" for m in household}
    context: dict[str, Any] = {
        "case": case, "project": project, "household": household, "live": live,
        "timeline": timeline, "offered": offered, "names": names, "today": today,
        "form_state": form_state or {}, "done": request.query_params.get("done"),
        "panels": panels, "caseworkers": caseworkers, "partner_options": partner_options,
        "notes": notes, "now": datetime.now(UTC), "earlier": earlier, "documents": documents,
        "changes": changes, "join_key": f"ui-{uuid.uuid4()}",
        "receipts": receipt_choices(receipts, live),
        "people_open": live is not None and live.stage in BEFORE_DEPARTURE,
        "person_sexes": [(s.value, s.value) for s in Sex],
        "joining_relationships": [
            (r.value, r.value) for r in Relationship if r != Relationship.PRINCIPAL],
    }
    if live is not None:
        context["aftercare"] = ReintegrationView.of(live)
        nodes, branch = process_nodes(live)
        context["process_map"] = process_map(nodes, branch)
    return render(request, "case.html", context, status)


@router.get("/{case_id}")
async def read_case(request: Request, case: CaseDep, user: CurrentUser, client: TemporalDep) -> Response:
    """The case: process map, household, grant, documents, bookings, timeline, valid actions."""
    return await case_page(request, case, user, client)


@router.post("/{case_id}/actions/{action}", dependencies=[Depends(verify_csrf)])
async def act(
    request: Request, action: str, case: PartnerCaseDep, user: CurrentUser, client: TemporalDep,
) -> Response:
    """Run one decision on the case as the signed-in user."""
    chosen = catalogue.BY_KEY.get(action)
    if chosen is None:
        raise HTTPException(status_code=404, detail=f"no action {action!r}")
    if user.role not in chosen.roles:
        raise HTTPException(
            status_code=403, detail=f"the {user.role} role may not {chosen.action}"
        )
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if not isinstance(v, UploadFile)}
    next_path = safe_next(form.get("next"), f"/ui/cases/{case.id}")
    state: dict[str, Any] = {"action": action, "case_id": case.id, "values": values, "errors": {}}
    if chosen.form is not None and any(f.kind == "receipt" for f in chosen.form.fields):
        try:  # the signed receipt uploaded with the form: kept first, then chosen
            uploaded = await upload_receipt(request, form, case.id, actor_of(user))
        except DocumentRefused as err:
            state["errors"][err.field] = str(err)
            return await _again(request, case, user, client, next_path, state, 422)
        if uploaded is not None:
            values["receipt_document_id"] = uploaded
    body = catalogue.parse_form(chosen, values)
    try:
        fields = chosen.body.model_validate(body).model_dump() if chosen.body else {}
    except ValidationError as err:
        for e in err.errors():
            loc = [str(part) for part in e["loc"]]
            # A repeated field (components.0.budget) is named as in the form (budget-0).
            name = f"{loc[2]}-{loc[1]}" if len(loc) == 3 else (loc[0] if loc else "_form")
            if name == "indicators" and len(loc) == 2:
                name = f"ind-{loc[1]}"
            state["errors"].setdefault(name, str(e["msg"]).removeprefix("Value error, "))
        return await _again(request, case, user, client, next_path, state, 422)
    try:
        await take(client, request.app.state.engine, case.id, chosen, actor_of(user), fields,
                   settings=request.app.state.settings)
    except HTTPException as err:
        if err.status_code == 422 and isinstance(err.detail, list):
            # What only the database knows (an assignee who is no active caseworker).
            for e in err.detail:
                state["errors"].setdefault(str(e["loc"][-1]), str(e["msg"]))
            return await _again(request, case, user, client, next_path, state, 422)
        if err.status_code not in (409, 503):
            raise
        state["refusal"] = str(err.detail)
        # Shown in the user's language from its code (api/web/templating.py refusal_text).
        state["refusal_code"] = getattr(err, "code", None)
        state["refusal_params"] = getattr(err, "params", {})
        return await _again(request, case, user, client, next_path, state, err.status_code)
    sep = "&" if "?" in next_path else "?"
    return RedirectResponse(f"{next_path}{sep}done={action}", status_code=303)


async def _again(
    request: Request, case: Case, user: Any, client: Any, next_path: str,
    state: dict[str, Any], status: int,
) -> Response:
    """The page the form came from, with the error beside the form and what was typed."""
    page = await refused_on_worklist(request, next_path, client, user, state, status)
    return page or await case_page(request, case, user, client, state, status)


@router.post("/{case_id}/retry-now", dependencies=[Depends(verify_csrf)])
async def retry_now(
    case: CaseDep, session: SessionDep, settings: SettingsDep, user: CurrentUser,
    client: TemporalDep,
) -> Response:
    """The stuck page's "retry the failing call now" (supervisors): back to the list, saying
    what was retried or why nothing was."""
    try:
        result = await retry_failing_calls(case, session, settings, actor_of(user), client)
        done = f"{case.reference}: retried {', '.join(result.retried)} now"
    except HTTPException as err:
        done = f"{case.reference}: nothing retried ({err.detail})"
    return RedirectResponse(f"/ui/supervision/stuck?{urlencode({'done': done})}", status_code=303)
