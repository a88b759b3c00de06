"""Bank transfers of grants: the returnee's account (staff), transfer files and bank statements
(finance). The file is the ISO 20022 pain.001 the bank takes; the statement its camt.053/054."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from fastapi import APIRouter, HTTPException, Request, Response, UploadFile
from pydantic import BaseModel
from sqlmodel import col, select

from api.deps import CaseDep, CurrentActor, SessionDep, SettingsDep, TemporalDep, found
from api.payments.accounts import BankAccountIn, BankAccountPublic, save_account
from api.payments.camt import StatementError
from api.payments.export import export_transfers, waiting
from api.payments.reconcile import reconcile
from models.payments import BankAccount, TransferExport

router = APIRouter(tags=["payments"])
MAX_STATEMENT_BYTES = 10 * 1024 * 1024


class InstructionPublic(BaseModel):
    case_id: str
    reference: str
    payment_id: str
    end_to_end_id: str
    amount: Decimal
    currency: str
    has_account: bool


class TransferExportPublic(BaseModel):
    id: str
    message_id: str
    created_by: str
    created_at: datetime
    transactions: int
    total: Decimal


class OutcomePublic(BaseModel):
    end_to_end_id: str
    result: str
    reference: str | None
    reason: str | None


@router.put("/cases/{case_id}/bank-account", response_model=BankAccountPublic)
def put_bank_account(case: CaseDep, body: BankAccountIn, session: SessionDep,
                     actor: CurrentActor) -> BankAccount:
    """Record or correct the account the case's grant is transferred to."""
    return save_account(session, case.id, body, actor.id)


@router.get("/cases/{case_id}/bank-account", response_model=BankAccountPublic)
def get_bank_account(case: CaseDep, session: SessionDep) -> BankAccount:
    """The account the case's grant is transferred to."""
    account = session.get(BankAccount, case.id)
    if account is None:
        raise HTTPException(status_code=404, detail="no bank account recorded for this case")
    return account


@router.get("/payments/instructions", response_model=list[InstructionPublic])
def list_instructions(session: SessionDep) -> list[InstructionPublic]:
    """Approved grants waiting for the next transfer file."""
    return [
        InstructionPublic(case_id=i.case_id, reference=ref, payment_id=i.payment_id,
                          end_to_end_id=i.end_to_end_id, amount=i.amount, currency=i.currency,
                          has_account=has)
        for i, ref, has in waiting(session)
    ]


@router.post("/payments/exports", response_model=TransferExportPublic, status_code=201)
def create_export(session: SessionDep, settings: SettingsDep,
                  actor: CurrentActor) -> TransferExport:
    """Collect every waiting transfer (with an account) into a new pain.001 file."""
    export = export_transfers(session, settings, actor.id, date.today())
    if export is None:
        raise HTTPException(status_code=409, detail="no transfer is waiting for a file")
    return export


@router.get("/payments/exports", response_model=list[TransferExportPublic])
def list_exports(session: SessionDep) -> list[TransferExport]:
    """The transfer files made so far, newest first."""
    return list(session.exec(select(TransferExport)
                             .order_by(col(TransferExport.created_at).desc())).all())


@router.get("/payments/exports/{export_id}/file")
def download_export(export_id: str, session: SessionDep) -> Response:
    """The pain.001 file as it was built (the same bytes at every download)."""
    return export_file(session, export_id)


def export_file(session: SessionDep, export_id: str) -> Response:
    export = found(session, TransferExport, export_id, "transfer file")
    return Response(export.xml.encode(), media_type="application/xml", headers={
        "Content-Disposition": f'attachment; filename="pain001-{export.message_id}.xml"'})


@router.post("/payments/statements", response_model=list[OutcomePublic])
async def upload_statement(request: Request, file: UploadFile, client: TemporalDep,
                           actor: CurrentActor) -> list[OutcomePublic]:
    """The bank's camt.054 (or camt.053): each transfer marked paid or returned with the
    bank's reason, and its case told. Uploading the same statement again changes nothing."""
    data = await file.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        raise HTTPException(status_code=422, detail="the statement is larger than 10 MiB")
    try:
        outcomes = await reconcile(request.app.state.engine, client, actor, data)
    except StatementError as err:
        raise HTTPException(status_code=422, detail=str(err)) from err
    return [OutcomePublic(end_to_end_id=o.end_to_end_id, result=o.result,
                          reference=o.reference, reason=o.reason) for o in outcomes]
