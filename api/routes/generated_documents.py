"""Papers generated for a case (api/generated_documents.py), kept as its documents: the
declaration of voluntary return with the household's consent, and the grant receipt. They
are downloaded as every document is (GET /cases/{id}/documents/{document_id}, audited)."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlmodel import Session

from api import document_service as service
from api import generated_documents as papers
from api.deps import CaseDep, CurrentActor, SettingsDep, TemporalDep
from api.live import read_live_state
from models.documents import Document
from models.schemas_documents import DocumentPublic

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/cases/{case_id}/documents/generated", tags=["documents"])
VaultDep = Annotated[service.Vault, Depends(service.get_vault)]


def _public(request: Request, document: Document) -> DocumentPublic:
    with Session(request.app.state.engine) as session:
        return service.public(session, [document])[0]


@router.post("/declaration", response_model=DocumentPublic, status_code=201,
             responses={409: {"description": "No household member to sign"}})
async def generate_declaration(
    request: Request, case: CaseDep, actor: CurrentActor, settings: SettingsDep, vault: VaultDep,
) -> DocumentPublic:
    """Generate the declaration of voluntary return with the consent form for the household
    (PDF, in the office's language, English and the returnee's preferred language where its
    texts exist), kept as a document of kind declaration marked generated: print it, have it
    signed, upload the signed scan."""
    try:
        document = await papers.generate_declaration(
            request.app.state.engine, vault, settings, case, actor.id)
    except papers.NotReady as err:
        raise HTTPException(status_code=409, detail=str(err)) from err
    log.info("declaration generated", document_id=document.id)
    return _public(request, document)


@router.post("/grant-receipt", response_model=DocumentPublic, status_code=201,
             responses={409: {"description": "The grant is not approved"}})
async def generate_grant_receipt(
    request: Request, case: CaseDep, actor: CurrentActor, settings: SettingsDep, vault: VaultDep,
    client: TemporalDep,
) -> DocumentPublic:
    """Generate the receipt of the approved return grant for the recipient to sign (PDF, the
    languages of the declaration), kept as a payment receipt linked to the grant's payment
    and marked generated; its signed scan, uploaded as its new version, is what the cash
    hand-over names."""
    live = await read_live_state(client, case.id)
    try:
        document = await papers.generate_receipt(
            request.app.state.engine, vault, settings, case, live, actor.id)
    except papers.NotReady as err:
        raise HTTPException(status_code=409, detail=str(err)) from err
    log.info("grant receipt generated", document_id=document.id)
    return _public(request, document)
