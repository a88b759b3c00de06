"""API schemas of case notes."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _not_blank(v: str | None) -> str | None:
    if v is None:
        return None
    if not v.strip():
        raise ValueError("a note needs some text")
    if _CONTROL.search(v):  # (PostgreSQL refuses NUL in text; no one types the others)
        raise ValueError("a note cannot hold control characters")
    return v.strip()


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)
    restricted: bool = Field(
        default=False, description="Shown only to supervisors, the case's assignee and the author"
    )

    _text = field_validator("text")(_not_blank)


class NoteUpdate(BaseModel):
    """A change by the note's author while it may still be changed; absent fields stay."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, min_length=1, max_length=4000)
    restricted: bool | None = None

    _text = field_validator("text")(_not_blank)


class NotePublic(BaseModel):
    id: str
    case_id: str
    author_id: str
    author_name: str | None = Field(default=None, description="The author's full name")
    text: str
    restricted: bool
    created_at: datetime
    edited_at: datetime | None = None
    editable_until: datetime = Field(description="After this the note is fixed")


class NotesPublic(BaseModel):
    data: list[NotePublic] = Field(description="Newest first")
    count: int
