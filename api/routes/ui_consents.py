"""Web forms of consent by purpose and of a minor's handover at arrival (the case page's
templates/_consents.html); each follows its API route's service (api/consent.py,
api/minors.py). A refusal comes back beside the forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response

import api.web.consents  # noqa: F401  (the case page's consent section)
from api import consent, minors
from api.auth import CurrentUser, actor_of
from api.deps import CaseDep, SettingsDep, TemporalDep
from api.routes.ui_case_forms import run_case_form
from api.web.security import verify_csrf
from models.schemas_consent import MinorHandoverIn, PurposeConsentIn
from models.tables import Case

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)
CSRF = [Depends(verify_csrf)]


async def _form(request: Request, case: Case, user: Any, client: Any, done: str,
                run: Callable[[dict[str, Any]], Awaitable[None]]) -> Response:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    form = {k: (v or None) for k, v in form.items()}
    return await run_case_form(request, case, user, client, "consents", done, form, run)


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
