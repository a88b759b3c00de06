"""A case's documents kept: the file sealed into object storage first, its rows written after
it (a refused or failed upload leaves neither), a new version on each replacement."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import BinaryIO

from fastapi import Request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.document_checks import Attachment, Upload, check_member, check_upload, clean_filename
from core.converter import payload_key_ring
from core.db import write_transaction
from core.filecrypt import FileCipher
from core.settings import Settings
from core.storage import ObjectStore, build_store
from models.documents import Document, DocumentVersion
from models.schemas_documents import DocumentPublic, DocumentVersionPublic
from models.tables import utcnow


class DocumentConflict(RuntimeError):
    """Another replacement of the same document won; nothing of this one was kept."""


@dataclass(frozen=True)
class Vault:
    store: ObjectStore
    cipher: FileCipher


def build_vault(settings: Settings) -> Vault:
    return Vault(build_store(settings), FileCipher(*payload_key_ring(settings)))


async def get_vault(request: Request) -> Vault:
    """The app's vault, built from its settings on first use (tests may set their own)."""
    state = request.app.state
    if getattr(state, "document_vault", None) is None:
        state.document_vault = build_vault(state.settings)
    return state.document_vault  # type: ignore[no-any-return]


class _Hashing:
    """A reader that hashes and counts what passes through it."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _seal(vault: Vault, upload: Upload, version: DocumentVersion) -> None:
    """Encrypt the upload into storage and fill in what the row records of it."""
    reader = _Hashing(upload.file)
    vault.store.put(version.storage_key, vault.cipher.encrypt(reader, version.storage_key.encode()))
    version.size, version.sha256 = reader.size, reader.sha256.hexdigest()


def _new_version(vault: Vault, document: Document, number: int, upload: Upload,
                 content_type: str, actor_id: str, generated: bool = False) -> DocumentVersion:
    version_id = str(uuid.uuid4())
    return DocumentVersion(
        id=version_id, document_id=document.id, case_id=document.case_id, version=number,
        filename=clean_filename(upload.filename), content_type=content_type, size=0, sha256="",
        key_id=vault.cipher.active_key_id, uploaded_by=actor_id, generated=generated,
        storage_key=f"cases/{document.case_id}/{document.id}/{version_id}",
    )


def add_document(session: Session, vault: Vault, case_id: str, actor_id: str,
                 attachment: Attachment, upload: Upload, max_bytes: int, *,
                 generated: bool = False, document_id: str | None = None) -> Document:
    """Keep the upload as a new document of the case. ``generated``: a paper Homeward made
    (api/generated_documents.py); ``document_id``: chosen by the caller (a retried activity
    finds its own document again)."""
    check_member(session, case_id, attachment.member_id)
    content_type = check_upload(upload, max_bytes)
    document = Document(
        id=document_id or str(uuid.uuid4()), case_id=case_id, created_by=actor_id,
        kind=attachment.kind, member_id=attachment.member_id, step=attachment.step,
        component_id=attachment.component_id, payment_id=attachment.payment_id,
    )
    version = _new_version(vault, document, 1, upload, content_type, actor_id, generated)
    # End the checks' read transaction: no connection waits idle in one while the file goes
    # to storage, which can take long.
    session.commit()
    _seal(vault, upload, version)
    try:
        with write_transaction(session):
            session.add(document)
            session.flush()  # the document before its version (PostgreSQL checks the key)
            session.add(version)
            session.commit()
    except BaseException:
        vault.store.delete(version.storage_key)
        raise
    return document


def add_version(session: Session, vault: Vault, document: Document, actor_id: str,
                upload: Upload, max_bytes: int) -> Document:
    content_type = check_upload(upload, max_bytes)
    previous = document.current_version
    version = _new_version(vault, document, previous + 1, upload, content_type, actor_id)
    session.commit()  # (as in add_document)
    _seal(vault, upload, version)
    try:
        with write_transaction(session):
            moved = session.execute(
                update(Document)
                .where(col(Document.id) == document.id,
                       col(Document.current_version) == previous)
                .values(current_version=previous + 1)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                raise DocumentConflict(f"document {document.id} was replaced meanwhile")
            session.execute(
                update(DocumentVersion)
                .where(col(DocumentVersion.document_id) == document.id,
                       col(DocumentVersion.version) == previous)
                .values(replaced_by=version.id, superseded_at=utcnow())
            )
            session.add(version)
            session.commit()
    except IntegrityError as err:
        vault.store.delete(version.storage_key)
        raise DocumentConflict(f"document {document.id} was replaced meanwhile") from err
    except BaseException:
        vault.store.delete(version.storage_key)
        raise
    session.refresh(document)
    return document


def open_version(vault: Vault, version: DocumentVersion) -> Iterator[bytes]:
    """The decrypted file. Its first chunk is decrypted now, so a missing key or a damaged
    file fails before the response starts, not half-way through it."""
    key = version.storage_key
    chunks = vault.cipher.decrypt(vault.store.get(key), key.encode())
    first = next(chunks, b"")
    return chain([first], chunks)


def public(session: Session, documents: list[Document]) -> list[DocumentPublic]:
    ids = [d.id for d in documents]
    rows = session.exec(
        select(DocumentVersion)
        .where(col(DocumentVersion.document_id).in_(ids))
        .order_by(col(DocumentVersion.document_id), col(DocumentVersion.version).desc())
    ).all() if ids else []
    versions: dict[str, list[DocumentVersionPublic]] = {i: [] for i in ids}
    for row in rows:
        versions[row.document_id].append(
            DocumentVersionPublic.model_validate(row, from_attributes=True)
        )
    return [
        DocumentPublic.model_validate(
            {**d.model_dump(), "versions": versions[d.id]}
        )
        for d in documents
    ]

