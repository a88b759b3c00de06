"""Case notes: who sees which, who may change one and until when. One place for the JSON API
(api/routes/notes.py) and the case page (api/routes/ui_notes.py)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from core.db import write_transaction
from models.enums import Role
from models.notes import CaseNote
from models.schemas_notes import NoteCreate, NotePublic, NoteUpdate
from models.tables import Case, utc, utcnow
from models.users import User


class NoteRefused(Exception):
    """A note that cannot be changed: ``status`` is the HTTP answer (403, 404 or 409)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def sees_restricted(case: Case, user: User) -> bool:
    """Restricted notes are for supervisors and the case's assignee (and their author)."""
    return user.role == Role.SUPERVISOR or (
        case.assignee_id is not None and case.assignee_id == user.id
    )


def _visible(case: Case, user: User) -> list[Any]:
    query: list[Any] = [col(CaseNote.case_id) == case.id]
    if not sees_restricted(case, user):
        # To anyone else a restricted note is absent, not forbidden.
        query.append(sa.or_(~col(CaseNote.restricted), col(CaseNote.author_id) == user.id))
    return query


def public(note: CaseNote, author_name: str | None, minutes: int) -> NotePublic:
    created = utc(note.created_at)
    return NotePublic(
        id=note.id, case_id=note.case_id, author_id=note.author_id, author_name=author_name,
        text=note.text, restricted=note.restricted, created_at=created,
        edited_at=utc(note.edited_at) if note.edited_at else None,
        editable_until=created + timedelta(minutes=minutes),
    )


def _with_authors(
    session: Session, where: list[Any], minutes: int, newest_first: bool = True
) -> list[NotePublic]:
    created = col(CaseNote.created_at)
    rows = session.exec(
        select(CaseNote, User.full_name)
        .join(User, col(User.id) == col(CaseNote.author_id), isouter=True)
        .where(*where)
        .order_by(created.desc() if newest_first else created, col(CaseNote.id))
    ).all()
    return [public(note, name, minutes) for note, name in rows]


def list_notes(session: Session, case: Case, user: User, minutes: int) -> list[NotePublic]:
    """The notes this user may see, newest first, with their authors' names."""
    return _with_authors(session, _visible(case, user), minutes)


def every_note(session: Session, case_id: str, minutes: int) -> list[NotePublic]:
    """Every note of the case, restricted ones too, oldest first (the subject access export)."""
    return _with_authors(session, [col(CaseNote.case_id) == case_id], minutes, False)


def add_note(
    session: Session, case: Case, user: User, data: NoteCreate, minutes: int,
    now: datetime | None = None,
) -> NotePublic:
    note = CaseNote(
        id=str(uuid.uuid4()), case_id=case.id, author_id=user.id, text=data.text,
        restricted=data.restricted, created_at=now or utcnow(),
    )
    with write_transaction(session):
        session.add(note)
        session.commit()
    return public(note, user.full_name, minutes)


def edit_note(
    session: Session, case: Case, user: User, note_id: str, data: NoteUpdate, minutes: int,
    now: datetime | None = None,
) -> NotePublic:
    """The author's change while the note may still be changed; refused (NoteRefused)
    otherwise."""
    # Read and written under the write lock: two changes of one note never interleave.
    with write_transaction(session):
        note = None if "\x00" in note_id else session.exec(
            select(CaseNote).where(*_visible(case, user)).where(col(CaseNote.id) == note_id)
        ).first()
        if note is None:
            raise NoteRefused(404, f"note {note_id} not found on case {case.reference}")
        if note.author_id != user.id:
            raise NoteRefused(403, "only its author may change a note")
        now = now or utcnow()
        until = utc(note.created_at) + timedelta(minutes=minutes)
        if now > until:
            raise NoteRefused(409, (
                f"this note is fixed: a note may be changed for {minutes} minutes after it "
                f"is written (until {until:%Y-%m-%d %H:%M} UTC); add a new note instead"
            ))
        if data.text is not None:
            note.text = data.text
        if data.restricted is not None:
            note.restricted = data.restricted
        note.edited_at = now
        session.add(note)
        session.commit()
    return public(note, user.full_name, minutes)
