"""Web forms of a case's documents: upload (file picker or drop zone), replace, download.

They keep documents as the JSON API does (api/document_service.py) under the same rules of
who sees what (api/document_access.py); a refused upload comes back as the page it was sent
from, the reason beside the form and the choices kept.
"""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api import document_access as access
from api import document_checks as checks
from api import document_service as service
from api.auth import CurrentUser
from api.deps import CurrentActor, PartnerCaseDep, SessionDep, TemporalDep
from api.routes.documents import UploadLimitRoute
from api.routes.ui import safe_next
from api.routes.ui_cases import case_page
from api.routes.ui_worklists import refused_on_worklist
from api.web.security import verify_csrf
from models.documents import DocumentKind
from models.payloads import Actor
from models.tables import Case

log = structlog.get_logger(__name__)


class WebUploadLimitRoute(UploadLimitRoute):
    refuse_declared = False


router = APIRouter(prefix="/ui/cases/{case_id}/documents", tags=["web"],
                   include_in_schema=False, route_class=WebUploadLimitRoute)
VaultDep = Annotated[service.Vault, Depends(service.get_vault)]
FIELDS = ("kind", "member_id", "component_id")


async def _form(request: Request) -> tuple[FormData | None, str]:
    """The posted form, or None and why (a body over the upload limit is read no further)."""
    try:
        form = await request.form()
    except HTTPException as err:
        if err.status_code != 422 or not isinstance(err.detail, list):
            raise
        return None, str(err.detail[0]["msg"])
    await verify_csrf(request)
    return form, ""


def _file(form: FormData) -> checks.Upload | None:
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return None
    return checks.Upload(file=file.file, filename=file.filename, size=file.size)


def _attachment(form: FormData, actor: Actor) -> checks.Attachment:
    try:
        kind = DocumentKind(str(form.get("kind") or ""))
    except ValueError:
        raise checks.DocumentRefused("kind", "choose the kind of document") from None
    access.check_kind(actor, kind)
    partner = access.visible_kinds(actor) is not None  # its page names no one: no person
    return checks.Attachment(
        kind, member_id=None if partner else str(form.get("member_id") or "")[:36] or None,
        component_id=str(form.get("component_id") or "")[:20] or None,
    )


def _store(request: Request, work: Any, *args: Any) -> Any:
    """Run the (blocking) document service with a session of its own."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        return work(session, *args)


async def _refused(
    request: Request, case: Case, user: Any, client: Any, next_path: str, target: str,
    errors: dict[str, str], form: FormData | None,
) -> Response:
    """The page the form came from, the refusal beside the form."""
    values = {k: str(form.get(k) or "") for k in FIELDS} if form is not None else {}
    state = {"documents": {"case_id": case.id, "target": target, "errors": errors,
                           "values": values}}
    page = await refused_on_worklist(request, next_path, client, user, state, 422)
    return page or await case_page(request, case, user, client, state, 422)


def _done(next_path: str, case_id: str, what: str) -> Response:
    sep = "&" if "?" in next_path else "?"
    return RedirectResponse(f"{next_path}{sep}done={what}#documents-{case_id}", status_code=303)


@router.post("")
async def upload(
    request: Request, case: PartnerCaseDep, actor: CurrentActor, user: CurrentUser,
    client: TemporalDep, vault: VaultDep,
) -> Response:
    """Upload a document to the case (a partner: delivery evidence)."""
    form, too_large = await _form(request)
    next_path = safe_next(form.get("next") if form else None, f"/ui/cases/{case.id}")
    if form is None:
        return await _refused(request, case, user, client, next_path, "upload",
                              {"file": too_large}, None)
    max_bytes = request.app.state.settings.document_max_bytes
    try:
        attachment = _attachment(form, actor)
        upload = _file(form)
        if upload is None:
            raise checks.DocumentRefused("file", "choose a file, or drop one on the drop zone")
        document = await run_in_threadpool(
            _store, request, service.add_document, vault, case.id, actor.id, attachment,
            upload, max_bytes,
        )
    except checks.DocumentRefused as err:
        return await _refused(request, case, user, client, next_path, "upload",
                              {err.field: str(err)}, form)
    log.info("document uploaded", document_id=document.id, kind=attachment.kind)
    return _done(next_path, case.id, "document-uploaded")


def _replace(session: Session, vault: service.Vault, case_id: str, document_id: str,
             actor: Actor, upload: checks.Upload, max_bytes: int) -> Any:
    document = access.document_or_404(session, case_id, document_id, actor)
    return service.add_version(session, vault, document, actor.id, upload, max_bytes)


@router.post("/{document_id}/versions")
async def replace(
    request: Request, document_id: str, case: PartnerCaseDep, actor: CurrentActor,
    user: CurrentUser, client: TemporalDep, vault: VaultDep,
) -> Response:
    """Replace a document's file by a new version (the older ones stay downloadable)."""
    form, too_large = await _form(request)
    next_path = safe_next(form.get("next") if form else None, f"/ui/cases/{case.id}")
    upload = _file(form) if form is not None else None
    try:
        if upload is None:
            raise checks.DocumentRefused("file", too_large or "choose the new file")
        await run_in_threadpool(
            _store, request, _replace, vault, case.id, document_id, actor, upload,
            request.app.state.settings.document_max_bytes,
        )
    except (checks.DocumentRefused, service.DocumentConflict) as err:
        field = getattr(err, "field", "file")
        return await _refused(request, case, user, client, next_path, document_id,
                              {field: str(err)}, form)
    log.info("document replaced", document_id=document_id)
    return _done(next_path, case.id, "document-replaced")


@router.get("/{document_id}")
def download(
    document_id: str, case: PartnerCaseDep, actor: CurrentActor, session: SessionDep,
    vault: VaultDep, version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The document's file (its current version, or ?version=N); audited as a read."""
    document = access.document_or_404(session, case.id, document_id, actor)
    row = access.version_or_404(session, document, version)
    session.close()
    return access.download(vault, row, log)
