"""API schemas of a case's documents (the upload itself is a multipart form)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from models.documents import DocumentKind
from models.enums import StepKind


class DocumentVersionPublic(BaseModel):
    version: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    superseded_at: datetime | None
    generated: bool = False  # made by Homeward to be printed and signed, not an upload


class DocumentPublic(BaseModel):
    id: str
    case_id: str
    member_id: str | None
    kind: DocumentKind
    step: StepKind | None
    component_id: str | None
    payment_id: str | None
    current_version: int
    created_by: str
    created_at: datetime
    versions: list[DocumentVersionPublic]  # newest first


class DocumentsPublic(BaseModel):
    data: list[DocumentPublic]
    count: int
