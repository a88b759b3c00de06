"""What a document upload must be: a PDF, JPEG or PNG by its content, within the size limit,
of a person of the case's own household. Refusals name the form field and the reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from sqlmodel import Session, select

from models.documents import DocumentKind
from models.enums import StepKind
from models.tables import HouseholdMember

# First bytes of each accepted type. The name's extension and the client's content type are
# not trusted: a PNG named .pdf is a PNG, a text file named .pdf is refused.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
HEAD = max(len(s) for s in SIGNATURES)


class DocumentRefused(ValueError):
    """Bad input, with the form field it concerns; nothing was stored."""

    def __init__(self, field: str, msg: str) -> None:
        super().__init__(msg)
        self.field = field


@dataclass(frozen=True)
class Upload:
    file: BinaryIO  # seekable: Starlette spools an upload to a temporary file past 1 MB
    filename: str | None
    size: int | None


@dataclass(frozen=True)
class Attachment:
    kind: DocumentKind
    member_id: str | None = None
    step: StepKind | None = None
    component_id: str | None = None
    payment_id: str | None = None


def sniff(head: bytes) -> str | None:
    return next((t for sig, t in SIGNATURES.items() if head.startswith(sig)), None)


def check_upload(upload: Upload, max_bytes: int) -> str:
    """The content type, or DocumentRefused (before anything is stored)."""
    size = upload.size
    if size is None:
        size = upload.file.seek(0, 2)
    if size > max_bytes:
        raise DocumentRefused(
            "file", f"the file is {size} bytes; the largest accepted is {max_bytes} bytes"
        )
    upload.file.seek(0)
    head = upload.file.read(HEAD)
    upload.file.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise DocumentRefused(
            "file", "the content is not a PDF, JPEG or PNG (checked from the file's first "
            "bytes, whatever its name says)",
        )
    return content_type


def check_member(session: Session, case_id: str, member_id: str | None) -> None:
    if member_id is None:
        return
    found = session.exec(
        select(HouseholdMember.id).where(
            HouseholdMember.id == member_id, HouseholdMember.case_id == case_id
        )
    ).first()
    if found is None:
        raise DocumentRefused("member_id", f"{member_id} is not a member of this case's household")


def clean_filename(name: str | None) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or "document"
