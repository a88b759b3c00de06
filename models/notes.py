"""Case notes: free text on a case by staff, kept in the database only (never in Temporal)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.tables import utcnow


class CaseNote(SQLModel, table=True):
    """A note written on a case. Its author may change it for HOMEWARD_NOTE_EDIT_MINUTES,
    then it is fixed; a restricted one is shown to supervisors, the case's assignee and its
    author only. Anonymisation blanks the text and keeps who wrote it and when."""

    __tablename__ = "case_notes"
    # A case's notes are read newest first.
    __table_args__ = (sa.Index("ix_case_notes_case_created", "case_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", max_length=36)
    author_id: str = Field(foreign_key="users.id", max_length=36)
    text: str = Field(max_length=4000)
    restricted: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    edited_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
