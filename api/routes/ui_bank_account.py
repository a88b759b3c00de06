"""The returnee's bank account from the case page (bank_transfer mode), with the API's checks."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api.auth import CurrentUser
from api.deps import CaseDep, TemporalDep
from api.payments.accounts import BankAccountIn, save_account
from api.routes.ui_cases import case_page
from api.web.security import verify_csrf

router = APIRouter(prefix="/ui/cases", tags=["web"], include_in_schema=False)


@router.post("/{case_id}/bank-account", dependencies=[Depends(verify_csrf)])
async def record_account(request: Request, case: CaseDep, user: CurrentUser,
                         client: TemporalDep) -> Response:
    """Record or correct the account; a wrong IBAN or BIC comes back with the reason."""
    form = await request.form()
    values = {k: str(form.get(k, "")) for k in ("iban", "bic", "holder")}
    try:
        data = BankAccountIn(**values)
    except ValidationError as err:
        reasons = "; ".join(f"{e['loc'][0]}: {str(e['msg']).removeprefix('Value error, ')}"
                            for e in err.errors())
        state = {"bank_account": {"error": reasons, **values}}
        return await case_page(request, case, user, client, state, 422)
    with Session(request.app.state.engine) as session:
        save_account(session, case.id, data, user.id)
    return RedirectResponse(f"/ui/cases/{case.id}?done=bank-account-recorded", status_code=303)
