"""Who sees which of a case's documents, and a document's file as a download: shared by the
JSON API and the web pages.

Staff see every document of a case. A partner reaches only the cases handed over to its
organisation (PartnerCaseDep) and, on them, only delivery evidence: identity copies,
declarations and the rest are "not found" to it, as a document of another case is.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import StreamingResponse
from sqlmodel import Session, col, select

from api.document_checks import DocumentRefused
from api.document_service import Vault, open_version
from core.filecrypt import DocumentKeyError
from models.documents import Document, DocumentKind, DocumentVersion
from models.enums import Role
from models.payloads import Actor

PARTNER_KINDS = frozenset({DocumentKind.PARTNER_EVIDENCE})


def visible_kinds(actor: Actor) -> frozenset[DocumentKind] | None:
    """The kinds the actor may see; None: every kind."""
    return PARTNER_KINDS if actor.role == Role.PARTNER else None


def check_kind(actor: Actor, kind: DocumentKind) -> None:
    """Refuse an upload of a kind the actor may not add (a partner adds evidence only)."""
    kinds = visible_kinds(actor)
    if kinds is not None and kind not in kinds:
        raise DocumentRefused("kind", "a partner uploads delivery evidence only "
                                      f"(kind {DocumentKind.PARTNER_EVIDENCE.value})")


def case_documents(session: Session, case_id: str, actor: Actor) -> list[Document]:
    """The case's documents the actor may see, oldest first."""
    query = select(Document).where(Document.case_id == case_id)
    kinds = visible_kinds(actor)
    if kinds is not None:
        query = query.where(col(Document.kind).in_(kinds))
    return list(session.exec(query.order_by(col(Document.created_at), col(Document.id))).all())


def document_or_404(session: Session, case_id: str, document_id: str, actor: Actor) -> Document:
    # Looked up within the case: another case's document is "not found" here.
    document = session.exec(
        select(Document).where(Document.id == document_id, Document.case_id == case_id)
    ).first()
    kinds = visible_kinds(actor)
    if document is None or (kinds is not None and document.kind not in kinds):
        raise HTTPException(status_code=404, detail=f"document {document_id} not found")
    return document


def version_or_404(session: Session, document: Document, number: int | None) -> DocumentVersion:
    number = number or document.current_version
    row = session.exec(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.version == number
        )
    ).first()
    if row is None:
        raise HTTPException(
            status_code=404, detail=f"document {document.id} has no version {number}"
        )
    return row


def download(vault: Vault, row: DocumentVersion, log: Any) -> StreamingResponse:
    """The version's file, decrypted as it streams (the caller holds no connection now)."""
    try:
        chunks = open_version(vault, row)
    except DocumentKeyError as err:
        log.error("document cannot be decrypted", document_id=row.document_id, error=str(err))
        raise HTTPException(status_code=500, detail=f"the document cannot be read: {err}") from err
    ascii_name = row.filename.encode("ascii", "replace").decode().replace('"', "'")
    return StreamingResponse(
        chunks,
        media_type=row.content_type,
        headers={
            "Content-Length": str(row.size),
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.filename)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
            "X-Document-Version": str(row.version),
            "X-Content-SHA256": row.sha256,
        },
    )
