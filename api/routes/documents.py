"""A case's documents: upload, list, download (decrypted as it streams), replace."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from starlette.types import Message

from api import document_access as access
from api import document_checks as checks
from api import document_service as service
from api.deps import CurrentActor, PartnerCaseDep, SessionDep, SettingsDep
from models.documents import DocumentKind
from models.enums import StepKind
from models.schemas_documents import DocumentPublic, DocumentsPublic

log = structlog.get_logger(__name__)
# Room for the multipart framing and the small form fields around the file.
FORM_OVERHEAD = 64 * 1024


def _refusal(field: str, msg: str) -> HTTPException:
    return HTTPException(
        status_code=422, detail=[{"loc": ["body", field], "msg": msg, "type": "value_error"}]
    )


class UploadLimitRoute(APIRoute):
    """Refuses a body over the upload limit as it arrives: a declared Content-Length at once,
    an undeclared one at the first byte too many. Otherwise the whole body would be spooled
    to disk before the route could look at the file's size."""

    # Off for the web forms: they read the body up to the limit and answer with the page and
    # the refusal beside the form (a browser shows no JSON error to its user).
    refuse_declared = True

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            if request.method != "POST":
                return await handler(request)
            max_bytes = request.app.state.settings.document_max_bytes
            limit = max_bytes + FORM_OVERHEAD
            too_large = _refusal("file", f"the upload is larger than {max_bytes} bytes")
            declared = request.headers.get("content-length", "")
            if self.refuse_declared and declared.isdigit() and int(declared) > limit:
                raise too_large
            received = 0

            async def receive() -> Message:
                nonlocal received
                message = await request.receive()
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large
                return message

            return await handler(Request(request.scope, receive))

        return limited


router = APIRouter(
    prefix="/cases/{case_id}/documents", tags=["documents"], route_class=UploadLimitRoute
)
VaultDep = Annotated[service.Vault, Depends(service.get_vault)]


def _upload(file: UploadFile) -> checks.Upload:
    return checks.Upload(file=file.file, filename=file.filename, size=file.size)


@router.post("", response_model=DocumentPublic, status_code=201)
def upload_document(
    case: PartnerCaseDep,
    actor: CurrentActor,
    session: SessionDep,
    settings: SettingsDep,
    vault: VaultDep,
    file: UploadFile,
    kind: Annotated[DocumentKind, Form()],
    member_id: Annotated[str | None, Form(max_length=36)] = None,
    step: Annotated[StepKind | None, Form()] = None,
    component_id: Annotated[str | None, Form(max_length=20)] = None,
    payment_id: Annotated[str | None, Form(max_length=100)] = None,
) -> DocumentPublic:
    """Upload a PDF, JPEG or PNG to the case, optionally of a person, step, delivery or payment
    (a partner: delivery evidence only)."""
    attachment = checks.Attachment(kind, member_id, step, component_id, payment_id)
    try:
        access.check_kind(actor, kind)
        document = service.add_document(
            session, vault, case.id, actor.id, attachment, _upload(file),
            settings.document_max_bytes,
        )
    except checks.DocumentRefused as err:
        raise _refusal(err.field, str(err)) from err
    log.info("document uploaded", document_id=document.id, kind=kind)
    return service.public(session, [document])[0]


@router.get("", response_model=DocumentsPublic)
def list_documents(case: PartnerCaseDep, actor: CurrentActor, session: SessionDep
                   ) -> DocumentsPublic:
    """The case's documents (a partner's: delivery evidence), oldest first, each with its
    versions, newest first."""
    data = service.public(session, access.case_documents(session, case.id, actor))
    return DocumentsPublic(data=data, count=len(data))


@router.post("/{document_id}/versions", response_model=DocumentPublic, status_code=201)
def replace_document(
    document_id: str,
    case: PartnerCaseDep,
    actor: CurrentActor,
    session: SessionDep,
    settings: SettingsDep,
    vault: VaultDep,
    file: UploadFile,
) -> DocumentPublic:
    """Replace the document's file by a new version; the previous ones stay downloadable."""
    document = access.document_or_404(session, case.id, document_id, actor)
    try:
        document = service.add_version(
            session, vault, document, actor.id, _upload(file), settings.document_max_bytes
        )
    except checks.DocumentRefused as err:
        raise _refusal(err.field, str(err)) from err
    except service.DocumentConflict as err:
        raise HTTPException(status_code=409, detail=str(err)) from err
    log.info("document replaced", document_id=document.id, version=document.current_version)
    return service.public(session, [document])[0]


@router.get(
    "/{document_id}",
    response_class=StreamingResponse,
    responses={200: {
        "description": "The file, decrypted",
        "content": {t: {} for t in checks.SIGNATURES.values()},
    }},
)
def download_document(
    document_id: str,
    case: PartnerCaseDep,
    actor: CurrentActor,
    session: SessionDep,
    vault: VaultDep,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> StreamingResponse:
    """Download the document's file: its current version, or ?version=N."""
    document = access.document_or_404(session, case.id, document_id, actor)
    row = access.version_or_404(session, document, version)
    session.close()  # hold no pooled connection while the file streams
    return access.download(vault, row, log)
