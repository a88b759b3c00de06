"""The finance page: approved grants waiting for a transfer, the transfer files to download,
and the bank's statement uploaded back with what it reconciled."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request, Response, UploadFile
from fastapi.responses import RedirectResponse
from sqlmodel import col, select

from api.auth import CurrentUser, actor_of
from api.deps import SessionDep, SettingsDep, TemporalDep
from api.payments.camt import StatementError
from api.payments.export import export_transfers, waiting
from api.payments.reconcile import Outcome, reconcile
from api.routes.payments import MAX_STATEMENT_BYTES, export_file
from api.web.security import verify_csrf
from api.web.templating import render
from models.payments import TransferExport

router = APIRouter(prefix="/ui/finance", tags=["web"], include_in_schema=False)


def _page(request: Request, session: SessionDep, outcomes: list[Outcome] | None = None,
          error: str | None = None, status: int = 200) -> Response:
    exports = session.exec(select(TransferExport)
                           .order_by(col(TransferExport.created_at).desc()).limit(20)).all()
    return render(request, "finance.html", {
        "waiting": waiting(session), "exports": exports, "outcomes": outcomes,
        "error": error, "done": request.query_params.get("done"),
    }, status)


@router.get("")
def finance(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Grants waiting for a transfer, the files made, and the statement upload."""
    return _page(request, session)


@router.post("/exports", dependencies=[Depends(verify_csrf)])
def create_export(request: Request, session: SessionDep, settings: SettingsDep,
                  user: CurrentUser) -> Response:
    """A new transfer file of every waiting transfer with an account."""
    export = export_transfers(session, settings, user.id, date.today())
    if export is None:
        return _page(request, session, error="No transfer is waiting for a file.", status=409)
    return RedirectResponse(f"/ui/finance?done={export.id}", status_code=303)


@router.get("/exports/{export_id}/file")
def download(export_id: str, session: SessionDep, user: CurrentUser) -> Response:
    """The pain.001 file, as the API serves it."""
    return export_file(session, export_id)


@router.post("/statements", dependencies=[Depends(verify_csrf)])
async def statement(request: Request, file: UploadFile, session: SessionDep,
                    client: TemporalDep, user: CurrentUser) -> Response:
    """The bank's camt.054/053: what each transfer became."""
    data = await file.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        return _page(request, session, error="The statement is larger than 10 MiB.", status=422)
    try:
        outcomes = await reconcile(request.app.state.engine, client, actor_of(user), data)
    except StatementError as err:
        return _page(request, session, error=f"Not read: {err}.", status=422)
    return _page(request, session, outcomes)
