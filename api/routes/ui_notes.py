"""Case notes on the case page: write one, and change one's own while it may be changed (the
rules of api/notes.py, as POST /cases/{id}/notes and PATCH .../notes/{note_id} apply them)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from api.auth import CurrentUser
from api.deps import CaseDep, SettingsDep, TemporalDep
from api.notes import NoteRefused, add_note, edit_note
from api.routes.ui_cases import case_page
from api.web.security import verify_csrf
from models.schemas_notes import NoteCreate, NoteUpdate

router = APIRouter(prefix="/ui/cases", tags=["web"], include_in_schema=False)


def _message(err: ValidationError) -> str:
    return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in err.errors())


@router.post("/{case_id}/notes", dependencies=[Depends(verify_csrf)])
async def write_note(
    request: Request, case: CaseDep, settings: SettingsDep, user: CurrentUser,
    client: TemporalDep,
) -> Response:
    """Write a note; a blank one comes back with the reason beside the form."""
    form = await request.form()
    text, restricted = str(form.get("text", "")), form.get("restricted") == "on"
    try:
        data = NoteCreate(text=text, restricted=restricted)
    except ValidationError as err:
        state = {"notes": {"error": _message(err), "text": text, "restricted": restricted}}
        return await case_page(request, case, user, client, state, 422)
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        add_note(session, case, user, data, settings.note_edit_minutes)
    return RedirectResponse(f"/ui/cases/{case.id}?done=note-added#notes", status_code=303)


@router.post("/{case_id}/notes/{note_id}", dependencies=[Depends(verify_csrf)])
async def change_note(
    request: Request, note_id: str, case: CaseDep, settings: SettingsDep, user: CurrentUser,
    client: TemporalDep,
) -> Response:
    """Change one's own note; once it is fixed the page says so beside it (409)."""
    form = await request.form()
    text = str(form.get("text", ""))
    state = {"notes": {"note_id": note_id, "text": text}}
    try:
        data = NoteUpdate(text=text, restricted=form.get("restricted") == "on")
        with Session(request.app.state.engine, expire_on_commit=False) as session:
            edit_note(session, case, user, note_id, data, settings.note_edit_minutes)
    except ValidationError as err:
        state["notes"]["error"] = _message(err)
        return await case_page(request, case, user, client, state, 422)
    except NoteRefused as err:
        state["notes"]["error"] = err.detail
        return await case_page(request, case, user, client, state, err.status)
    return RedirectResponse(f"/ui/cases/{case.id}?done=note-changed#notes", status_code=303)
