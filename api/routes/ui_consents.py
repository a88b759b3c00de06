"""Web forms of consent by purpose and of a minor's handover at arrival (the case page's
templates/_consents.html); each follows its API route's service (api/consent.py,
api/minors.py). A refusal comes back beside the forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

import api.web.consents  # noqa: F401  (the case page's consent section)
from api import consent, minors
from api.auth import CurrentUser, actor_of
from api.deps import CaseDep, SettingsDep, TemporalDep
from api.routes.ui_cases import case_page
from api.web.security import verify_csrf
from models.schemas_consent import MinorHandoverIn, PurposeConsentIn
from models.tables import Case

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)
CSRF = [Depends(verify_csrf)]


async def _form(request: Request, case: Case, user: Any, client: Any, done: str,
                run: Callable[[dict[str, Any]], Awaitable[None]]) -> Response:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    form = {k: (v or None) for k, v in form.items()}
    try:
        await run(form)
    except ValidationError as err:
        msg = "; ".join(f"{e['loc'][-1]}: {str(e['msg']).removeprefix('Value error, ')}"
                        for e in err.errors())
        return await case_page(request, case, user, client, {"consents": {"error": msg}}, 422)
    except HTTPException as err:
        if err.status_code not in (409, 422):
            raise
        detail = err.detail if isinstance(err.detail, str) else "; ".join(
            f"{e['loc'][-1]}: {e['msg']}" for e in err.detail)
        return await case_page(request, case, user, client, {"consents": {"error": detail}},
                               err.status_code)
    return RedirectResponse(f"/ui/cases/{case.id}?done={done}", status_code=303)


@router.post("/cases/{case_id}/consents", dependencies=CSRF)
async def record_consent(
    request: Request, case: CaseDep, user: CurrentUser, client: TemporalDep,
    settings: SettingsDep,
) -> Response:
    async def run(form: dict[str, Any]) -> None:
        data = PurposeConsentIn.model_validate(form)
        await consent.state_and_tell(request.app.state.engine, settings, client, case, data,
                                     actor_of(user))
    return await _form(request, case, user, client, "consent-recorded", run)


@router.post("/cases/{case_id}/minors/handover", dependencies=CSRF)
async def record_handover(
    request: Request, case: CaseDep, user: CurrentUser, client: TemporalDep,
) -> Response:
    async def run(form: dict[str, Any]) -> None:
        data = MinorHandoverIn.model_validate(
            form | {"identity_checked": form.get("identity_checked") == "yes"})
        await minors.record(request.app.state.engine, client, case, data, actor_of(user))
    return await _form(request, case, user, client, "minor-handover-recorded", run)
