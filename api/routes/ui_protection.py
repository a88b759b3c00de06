"""Web pages of protection: access to a restricted case (give, remove, mark sensitive),
breaking the glass by a case's reference, referrals and their consents on the case page.
Each follows the rule and the service of its API route (api/routes/access.py, referrals.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, select

import api.web.protection  # noqa: F401  (the case page's protection section)
from api import case_access, referrals
from api.auth import CurrentUser, actor_of
from api.consent import tell_the_workflow
from api.deps import CaseDep, SessionDep, SettingsDep, TemporalDep
from api.need_to_know import may_see
from api.routes.ui_case_forms import field_errors, run_case_form
from api.routes.ui_cases import case_page
from api.web.security import verify_csrf
from api.web.templating import render
from models.decisions import ConsentFact
from models.schemas_protection import OutcomeIn, ReasonIn, ReferralConsentIn, ReferralIn
from models.tables import Case

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)
CSRF = [Depends(verify_csrf)]


def _back(case: Case, done: str) -> RedirectResponse:
    return RedirectResponse(f"/ui/cases/{case.id}?done={done}", status_code=303)


@router.post("/cases/{case_id}/access", dependencies=CSRF)
async def give(request: Request, case: CaseDep, session: SessionDep, user: CurrentUser) -> Response:
    form = await request.form()
    reason = str(form.get("reason", "")).strip()[:500] or None
    case_access.give(session, case, str(form.get("user_id", "")), actor_of(user), reason,
                     datetime.now(UTC))
    return _back(case, "access-given")


@router.post("/cases/{case_id}/access/{user_id}/remove", dependencies=CSRF)
def remove(user_id: str, case: CaseDep, session: SessionDep, user: CurrentUser) -> Response:
    case_access.remove(session, case, user_id, actor_of(user), datetime.now(UTC))
    return _back(case, "access-removed")


@router.post("/cases/{case_id}/sensitive", dependencies=CSRF)
async def sensitive(
    request: Request, case: CaseDep, session: SessionDep, user: CurrentUser, client: TemporalDep,
) -> Response:
    form = await request.form()
    if form.get("mark") == "off":
        case_access.mark_sensitive(session, case, None)
        return _back(case, "sensitive-mark-removed")
    try:
        body = ReasonIn(reason=str(form.get("reason", "")))
    except ValidationError as err:
        session.close()
        return await case_page(request, case, user, client,
                               {"referrals": {"error": field_errors(err)}}, 422)
    case_access.mark_sensitive(session, case, body.reason)
    return _back(case, "marked-sensitive")


async def _referral_form(
    request: Request, case: Case, user: Any, client: Any, run: Any
) -> Response:
    """Run ``run(form)``; a refusal or an invalid field comes back beside the forms."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_case_form(request, case, user, client, "referrals", "referral-recorded",
                               form, run)


@router.post("/cases/{case_id}/referral-consents", dependencies=CSRF)
async def consent(request: Request, case: CaseDep, user: CurrentUser, client: TemporalDep) -> Response:
    async def run(form: dict[str, str]) -> None:
        data = ReferralConsentIn.model_validate({**form, "document_id": form.get("document_id") or None})
        with Session(request.app.state.engine) as session:
            referrals.record_consent(session, case, data, actor_of(user))
        await tell_the_workflow(client, case, ConsentFact(actor=actor_of(user),
                                                          purpose="referral", status="given"))
    return await _referral_form(request, case, user, client, run)


@router.post("/cases/{case_id}/referrals", dependencies=CSRF)
async def refer(
    request: Request, case: CaseDep, user: CurrentUser, client: TemporalDep,
    settings: SettingsDep,
) -> Response:
    async def run(form: dict[str, str]) -> None:
        data = ReferralIn.model_validate(form)
        await referrals.refer(request.app.state.engine, settings, case, data, actor_of(user))
    return await _referral_form(request, case, user, client, run)


@router.post("/cases/{case_id}/referrals/{referral_id}/outcome", dependencies=CSRF)
async def outcome(
    referral_id: str, request: Request, case: CaseDep, user: CurrentUser, client: TemporalDep,
) -> Response:
    async def run(form: dict[str, str]) -> None:
        data = OutcomeIn.model_validate({**form, "answer": form.get("answer") or None})
        with Session(request.app.state.engine) as session:
            referrals.record_outcome(session, case, referral_id, data, actor_of(user))
    return await _referral_form(request, case, user, client, run)


@router.get("/break-glass")
def break_glass_form(request: Request) -> Response:
    """Open a restricted case in an emergency: its reference first."""
    return render(request, "break_glass.html", {})


@router.post("/break-glass", dependencies=CSRF)
async def break_glass(
    request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser,
) -> Response:
    """An unknown reference is "no such case"; an open one goes to its page; a restricted one
    asks for the reason, then gives access for a few hours and tells the supervisors."""
    form = await request.form()
    reference = str(form.get("reference", "")).strip().upper()[:32]
    reason = str(form.get("reason", "")).strip()
    case = session.exec(select(Case).where(Case.reference == reference)).first() if reference else None
    if case is None:
        return render(request, "break_glass.html",
                      {"reference": reference, "error": "No such case."}, 404)
    actor = actor_of(user)
    if may_see(session, case, actor):
        return RedirectResponse(f"/ui/cases/{case.id}", status_code=303)
    if not reason:
        return render(request, "break_glass.html", {"reference": reference, "restricted": True})
    try:
        ReasonIn(reason=reason)
    except ValidationError as err:
        return render(request, "break_glass.html", {
            "reference": reference, "restricted": True, "reason": reason,
            "error": field_errors(err)}, 422)
    request.state.audit_case_id = case.id
    await case_access.break_glass(session, settings, case, actor, reason, datetime.now(UTC))
    return RedirectResponse(f"/ui/cases/{case.id}?done=glass-broken", status_code=303)
