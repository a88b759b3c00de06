"""The receiving staff's page of the cases other Homeward installations propose before
departure (docs/exchange.md, version 2): each proposed case with its pre-arrival facts, and
the answer (accept, or decline with a reason) that goes back to the sending installation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api import exchange_proposals
from api.auth import CurrentUser, actor_of
from api.deps import CaseDep, SettingsDep, TemporalDep
from api.web.security import verify_csrf
from api.web.templating import render
from models.schemas_partners import PartnerAnswerIn
from models.users import User

router = APIRouter(prefix="/ui/exchange", tags=["web"], include_in_schema=False)
PAGE = "/ui/exchange/proposals"


def _page(request: Request, user: User, form_state: dict[str, Any] | None = None,
          status: int = 200) -> HTMLResponse:
    with Session(request.app.state.engine) as session:
        proposals = exchange_proposals.proposed_cases(session, actor_of(user))
    return render(request, "exchange_proposals.html",
                  {"proposals": proposals, "form_state": form_state or {}}, status)


@router.get("/proposals", response_class=HTMLResponse)
def proposals_page(request: Request, user: CurrentUser) -> HTMLResponse:
    return _page(request, user)


@router.post("/proposals/{case_id}/answer", dependencies=[Depends(verify_csrf)])
async def answer(request: Request, case: CaseDep, user: CurrentUser, client: TemporalDep,
                 settings: SettingsDep) -> Response:
    form = await request.form()
    accept, reason = str(form.get("accept", "")), str(form.get("reason", "")).strip()
    state = {"case_id": case.id, "accept": accept, "reason": reason}
    try:
        data = PartnerAnswerIn(accept=accept == "true", reason=reason or None)
    except ValidationError:
        return _page(request, user, state | {"error": "reason"}, 422)
    try:
        await exchange_proposals.answer(request.app.state.engine, client, settings, case.id,
                                        actor_of(user), data)
    except HTTPException as err:
        if err.status_code != 409:
            raise
        return _page(request, user, state | {"error": "answered"}, 409)
    done = "accepted" if data.accept else "declined"
    return RedirectResponse(f"{PAGE}?answered={done}", status_code=303)
