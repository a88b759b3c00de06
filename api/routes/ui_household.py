"""The case page's people forms: correct a person, a member joining or leaving. They go
through api/household_service.py as PATCH /cases/{id}/people/{member_id}, POST
/cases/{id}/people and POST .../removal do; errors come back beside the form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api import household_service as service
from api.auth import CurrentUser, actor_of
from api.deps import CaseDep, TemporalDep
from api.routes.ui_cases import case_page
from api.web.security import verify_csrf
from models.person_changes import CORRECTABLE
from models.schemas_changes import MemberJoining, MemberLeaving, PersonCorrection
from models.tables import Case

router = APIRouter(prefix="/ui/cases", tags=["web"], include_in_schema=False)
JOINING = ("relationship", *CORRECTABLE, "reason")


def _shown(value: Any) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _errors(err: ValidationError | HTTPException) -> dict[str, str]:
    items = err.errors() if isinstance(err, ValidationError) else err.detail
    out: dict[str, str] = {}
    for e in items:
        loc = [str(p) for p in e["loc"] if p != "body"]
        out.setdefault(loc[0] if loc else "_form", str(e["msg"]).removeprefix("Value error, "))
    return out


async def _again(request: Request, case: Case, user: Any, client: Any, state: dict[str, Any],
                 err: ValidationError | HTTPException) -> Response:
    if isinstance(err, HTTPException) and err.status_code != 422:
        if err.status_code not in (404, 409, 503):
            raise err
        state["refusal"] = str(err.detail)
        return await case_page(request, case, user, client, {"people": state}, err.status_code)
    state["errors"] = _errors(err)
    return await case_page(request, case, user, client, {"people": state}, 422)


@router.post("/{case_id}/people/{member_id}", dependencies=[Depends(verify_csrf)])
async def correct(request: Request, member_id: str, case: CaseDep, user: CurrentUser,
                  client: TemporalDep) -> Response:
    """Correct what the form changed (a field left as shown is not corrected)."""
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in (*CORRECTABLE, "reason")}
    state: dict[str, Any] = {"member_id": member_id, "values": values}
    engine = request.app.state.engine
    with Session(engine) as session:
        member = service.member_of(session, case, member_id)
        given = {k: (values[k] or None) for k in CORRECTABLE
                 if values[k] != _shown(getattr(member, k))}
    try:
        data = PersonCorrection.model_validate({**given, "reason": values["reason"]})
        await service.correct_person(engine, client, case, member_id, data, actor_of(user))
    except (ValidationError, HTTPException) as err:
        return await _again(request, case, user, client, state, err)
    return RedirectResponse(f"/ui/cases/{case.id}?done=person-corrected#changes", 303)


@router.post("/{case_id}/people", dependencies=[Depends(verify_csrf)])
async def join(request: Request, case: CaseDep, user: CurrentUser,
               client: TemporalDep) -> Response:
    """A member joins; the form's key makes the same form sent twice add one person."""
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in (*JOINING, "idempotency_key")}
    state: dict[str, Any] = {"member_id": "new", "values": values}
    body = {k: values[k] for k in JOINING if values[k]}
    try:
        data = MemberJoining.model_validate(body)
        await service.add_member(request.app.state.engine, client, case, data, actor_of(user),
                                 values["idempotency_key"] or "ui-missing-key")
    except (ValidationError, HTTPException) as err:
        return await _again(request, case, user, client, state, err)
    return RedirectResponse(f"/ui/cases/{case.id}?done=member-added#changes", 303)


@router.post("/{case_id}/people/{member_id}/removal", dependencies=[Depends(verify_csrf)])
async def leave(request: Request, member_id: str, case: CaseDep, user: CurrentUser,
                client: TemporalDep) -> Response:
    """A member leaves the household, with the reason."""
    form = await request.form()
    state: dict[str, Any] = {"member_id": member_id, "values": {}}
    try:
        data = MemberLeaving(reason=str(form.get("reason", "")).strip())
        await service.remove_member(request.app.state.engine, client, case, member_id,
                                    data.reason, actor_of(user))
    except (ValidationError, HTTPException) as err:
        return await _again(request, case, user, client, state, err)
    return RedirectResponse(f"/ui/cases/{case.id}?done=member-left#changes", 303)
