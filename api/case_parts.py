"""A body names a person or a document of the case: both must be the case's own, else the
request is refused on that field (422), as FastAPI refuses a malformed body."""

from __future__ import annotations

from fastapi import HTTPException
from sqlmodel import Session

from models.documents import Document
from models.tables import HouseholdMember


def field_error(field: str, msg: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["body", field], "type": "value_error", "msg": msg}])


def member_of(session: Session, case_id: str, member_id: str) -> HouseholdMember:
    member = session.get(HouseholdMember, member_id)
    if member is None or member.case_id != case_id:
        raise field_error("member_id", f"no household member {member_id} in this case")
    return member


def check_document_of(session: Session, case_id: str, document_id: str | None) -> None:
    """A document given (it may be left out) is one of the case's."""
    if document_id is None:
        return
    doc = session.get(Document, document_id)
    if doc is None or doc.case_id != case_id:
        raise field_error("document_id", f"no document {document_id} in this case")
