"""The signed receipt of the cash hand-over form: one of the case's payment receipts linked to
the grant's pending payment, chosen from a list, or the signed file uploaded in the same form
(kept as such a receipt, as ``POST /cases/{id}/documents`` keeps it). Typing a document id by
hand is no longer asked of anyone.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api import document_access as access
from api import document_checks as checks
from api import document_service as service
from core import i18n
from models.documents import Document, DocumentKind, DocumentVersion
from models.payloads import Actor, CaseState

FILE_FIELD = "receipt_file"  # the upload beside the choice
PAYMENT_FIELD = "receipt_payment_id"  # the grant's payment the upload is linked to


def receipts_of(session: Session, case_id: str) -> list[tuple[str, str, str]]:
    """The case's payment receipts linked to a payment: (document id, label, payment id),
    oldest first."""
    rows = session.exec(
        select(Document, DocumentVersion.filename)  # type: ignore[call-overload]
        .join(DocumentVersion, (col(DocumentVersion.document_id) == col(Document.id))
              & (col(DocumentVersion.version) == col(Document.current_version)))
        .where(Document.case_id == case_id, Document.kind == DocumentKind.PAYMENT_RECEIPT)
        .where(col(Document.payment_id).is_not(None))
        .order_by(col(Document.created_at), col(Document.id))
    ).all()
    return [(d.id, i18n.gettext("%(name)s, uploaded %(at)s", name=name,
                                at=i18n.format_datetime(d.created_at)), d.payment_id)
            for d, name in rows]


def choices(receipts: list[tuple[str, str, str]], live: CaseState | None) -> list[tuple[str, str]]:
    """The receipts of the grant's pending payment, newest first (the one just uploaded)."""
    payment = live.grant.payment_id if live is not None and live.grant is not None else None
    return [(i, label) for i, label, p in reversed(receipts) if p == payment]


def _add(request: Request, vault: service.Vault, case_id: str, actor: Actor,
         attachment: checks.Attachment, upload: checks.Upload) -> Any:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        return service.add_document(session, vault, case_id, actor.id, attachment, upload,
                                    request.app.state.settings.document_max_bytes)


async def upload_from(request: Request, form: FormData, case_id: str, actor: Actor
                      ) -> str | None:
    """The id of the receipt uploaded with the form, None when no file came; raises
    DocumentRefused (field ``receipt_document_id``) for a file that cannot be kept. The
    workflow still checks that the payment it is linked to is the grant's."""
    file = form.get(FILE_FIELD)
    if not isinstance(file, UploadFile) or not file.filename:
        return None
    payment_id = str(form.get(PAYMENT_FIELD) or "")[:100]
    if not payment_id:
        raise checks.DocumentRefused("receipt_document_id",
                                     "no grant payment is pending to link the receipt to")
    access.check_kind(actor, DocumentKind.PAYMENT_RECEIPT)
    attachment = checks.Attachment(DocumentKind.PAYMENT_RECEIPT, payment_id=payment_id)
    upload = checks.Upload(file=file.file, filename=file.filename, size=file.size)
    vault = await service.get_vault(request)
    try:
        document = await run_in_threadpool(_add, request, vault, case_id, actor, attachment,
                                           upload)
    except checks.DocumentRefused as err:
        raise checks.DocumentRefused("receipt_document_id", str(err)) from err
    return str(document.id)
