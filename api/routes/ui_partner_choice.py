"""The needs assessment from the case page (its panel: api/templates/panels/partner.html)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api import partner_choice
from api.auth import CurrentUser
from api.deps import CaseDep, TemporalDep
from api.routes.ui_cases import case_page
from api.web.security import verify_csrf
from models.schemas_partners import NeedsAssessmentIn

router = APIRouter(prefix="/ui/cases", tags=["web"], include_in_schema=False)
FIELDS = ("wants_to_do", "skills", "health", "housing")


@router.post("/{case_id}/needs-assessment", dependencies=[Depends(verify_csrf)])
async def record_needs(request: Request, case: CaseDep, user: CurrentUser,
                       client: TemporalDep) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in FIELDS}
    try:
        data = NeedsAssessmentIn(**values)
    except ValidationError as err:
        reasons = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in err.errors())
        return await case_page(request, case, user, client,
                               {"needs": {"error": reasons, **values}}, 422)
    with Session(request.app.state.engine) as session:
        partner_choice.save_needs(session, case.id, data, user.id)
    return RedirectResponse(f"/ui/cases/{case.id}?done=needs-assessment-recorded",
                            status_code=303)
