"""Tables of a case's documents: the document, and each version of its file (kept when
replaced). The files themselves are encrypted in object storage (core/storage.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.document_kinds import DocumentKind
from models.enums import StepKind
from models.tables import enum_type, utcnow

__all__ = ["Document", "DocumentKind", "DocumentVersion"]


class Document(SQLModel, table=True):
    """A document of a case, optionally of one person, vulnerability step, delivered
    reintegration component or payment."""

    __tablename__ = "documents"

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    member_id: str | None = Field(
        default=None, foreign_key="household_member.id", index=True, max_length=36
    )
    kind: DocumentKind = Field(sa_type=enum_type(DocumentKind))
    step: StepKind | None = Field(default=None, sa_type=enum_type(StepKind))
    component_id: str | None = Field(default=None, max_length=20)  # a delivery of the plan
    payment_id: str | None = Field(default=None, max_length=100)
    # The version downloads get by default; replacing compares and sets it (no lost update).
    current_version: int = Field(default=1, ge=1)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class DocumentVersion(SQLModel, table=True):
    """One uploaded file of a document. Never overwritten: a replacement is a new version
    and this one records which version replaced it, and when."""

    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("document_id", "version"),)

    id: str = Field(primary_key=True, max_length=36)
    document_id: str = Field(foreign_key="documents.id", index=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    version: int = Field(ge=1)
    filename: str = Field(max_length=255)
    # From the file's first bytes, never from its name or the client's claim.
    content_type: str = Field(max_length=100)
    size: int = Field(sa_type=sa.BigInteger, description="Bytes of the plaintext")
    sha256: str = Field(max_length=64, description="Hex SHA-256 of the plaintext")
    key_id: str = Field(max_length=100, description="Payload key ring id that sealed the file")
    storage_key: str = Field(unique=True, max_length=300)
    uploaded_by: str = Field(max_length=100)
    uploaded_at: datetime = Field(default_factory=utcnow)
    # Made by Homeward (api/generated_documents.py), not uploaded: an unsigned paper to print.
    generated: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    replaced_by: str | None = Field(default=None, max_length=36)  # the next version's id
    superseded_at: datetime | None = None
