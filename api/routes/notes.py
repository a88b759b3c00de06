"""Case notes: read (audited as a read of personal data), write, and change while allowed."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from api.auth import CurrentUser
from api.deps import CaseDep, SessionDep, SettingsDep
from api.notes import NoteRefused, add_note, edit_note, list_notes
from models.schemas_notes import NoteCreate, NotePublic, NotesPublic, NoteUpdate

router = APIRouter(prefix="/cases/{case_id}/notes", tags=["notes"])


@router.get("", response_model=NotesPublic)
def read_notes(
    case: CaseDep, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> NotesPublic:
    """The case's notes this user may see, newest first (restricted ones: supervisors, the
    assignee and the author)."""
    notes = list_notes(session, case, user, settings.note_edit_minutes)
    return NotesPublic(data=notes, count=len(notes))


@router.post("", response_model=NotePublic, status_code=status.HTTP_201_CREATED)
def write_note(
    data: NoteCreate, case: CaseDep, session: SessionDep, settings: SettingsDep,
    user: CurrentUser,
) -> NotePublic:
    """Write a note on the case as the signed-in user."""
    return add_note(session, case, user, data, settings.note_edit_minutes)


@router.patch("/{note_id}", response_model=NotePublic)
def change_note(
    note_id: str, data: NoteUpdate, case: CaseDep, session: SessionDep, settings: SettingsDep,
    user: CurrentUser,
) -> NotePublic:
    """Change one's own note while it may be changed (409 once it is fixed)."""
    try:
        return edit_note(session, case, user, note_id, data, settings.note_edit_minutes)
    except NoteRefused as err:
        raise HTTPException(status_code=err.status, detail=err.detail) from err
