"""The travel desk's open booking requests (HOMEWARD_BOOKING=desk); it records bookings,
changes and cancellations through the decision routes under /cases/{id}/travel-desk/."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, UploadFile

from api import document_checks as checks
from api import document_service as service
from api.deps import CaseDep, CurrentActor, SessionDep, SettingsDep, TemporalDep
from api.routes.documents import UploadLimitRoute
from api.travel_desk import open_requests
from models.documents import DocumentKind
from models.enums import Stage
from models.schemas_desk import DeskRequestPublic
from models.schemas_documents import DocumentPublic

router = APIRouter(prefix="/travel-desk", tags=["travel desk"])


@router.get("/requests", response_model=list[DeskRequestPublic])
async def list_requests(session: SessionDep, client: TemporalDep) -> list[DeskRequestPublic]:
    """Open booking requests, the longest waiting first, with the travellers' details."""
    return await open_requests(session, client)


# The e-ticket is a case document of kind ticket (encrypted at rest like every document); the
# desk may upload only that kind, so it has its own route rather than the staff's documents.
uploads = APIRouter(prefix="/travel-desk", tags=["travel desk"], route_class=UploadLimitRoute)
VaultDep = Annotated[service.Vault, Depends(service.get_vault)]


@uploads.post("/cases/{case_id}/e-ticket", response_model=DocumentPublic, status_code=201)
def upload_eticket(
    case: CaseDep, actor: CurrentActor, session: SessionDep, settings: SettingsDep,
    vault: VaultDep, file: UploadFile,
) -> DocumentPublic:
    """Upload an e-ticket (PDF, JPEG or PNG); name its id as the booking's eticket_document_id."""
    if case.stage != Stage.TRAVEL:
        raise HTTPException(409, f"the case is in stage '{case.stage}', not 'travel'")
    upload = checks.Upload(file=file.file, filename=file.filename, size=file.size)
    try:
        document = service.add_document(session, vault, case.id, actor.id,
                                        checks.Attachment(DocumentKind.TICKET), upload,
                                        settings.document_max_bytes)
    except checks.DocumentRefused as err:
        raise HTTPException(422, detail=[{"loc": ["body", err.field], "msg": str(err),
                                          "type": "value_error"}]) from err
    return service.public(session, [document])[0]
