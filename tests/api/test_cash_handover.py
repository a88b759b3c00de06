"""A cash grant handed over: the signed receipt uploaded through the documents module (kind
payment_receipt, linked by the grant's payment_id), then the hand-over recorded as a decision;
the grant is paid with that record and its cost booked from it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.payments_office import CashPayments
from api.document_service import build_vault
from api.generated_documents import store_pdf
from api.main import create_app
from api.user_service import DEMO_PASSWORD
from core.modes import PaymentsMode
from core.settings import Settings
from models.documents import DocumentKind
from models.enums import GrantStatus
from models.users import User
from tests.api.test_bank_transfers import time_env  # noqa: F401
from tests.tokens import bearer
from tests.ui.conftest import csrf_of
from tests.workflows.scenario import clients
from tests.workflows.test_grant_payment import to_departure
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def cash(time_env: WorkflowEnvironment, settings: Settings,  # noqa: F811
               engine: Engine, users: dict[str, User],
               ) -> AsyncIterator[tuple[httpx.AsyncClient, Settings, FastAPI]]:
    settings = settings.model_copy(update={"payments": PaymentsMode.CASH})
    app = create_app(settings)
    app.state.engine, app.state.temporal = engine, time_env.client
    sims = clients()
    sims.payments = CashPayments()
    async with (
        build_worker(time_env.client, settings, engine, clients=sims),
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
                          headers=bearer("caseworker")) as client,
    ):
        yield client, settings, app


async def test_the_hand_over_with_its_signed_receipt_pays_the_grant(
    cash: tuple[httpx.AsyncClient, Settings], time_env: WorkflowEnvironment,  # noqa: F811
    engine: Engine,
) -> None:
    api, settings, _ = cash
    handle, state = await to_departure(time_env, settings, engine, "approved")
    grant = state.grant
    assert grant is not None and grant.status == GrantStatus.PAYMENT_PENDING
    case = f"/cases/{state.case_id}"
    other = await api.post(f"{case}/documents", data={"kind": "ticket"},
                           files={"file": ("ticket.pdf", PDF, "application/pdf")})
    receipt = await api.post(
        f"{case}/documents", data={"kind": "payment_receipt", "payment_id": grant.payment_id},
        files={"file": ("receipt-signed.pdf", PDF, "application/pdf")})
    assert other.status_code == receipt.status_code == 201, receipt.text
    day = (await time_env.get_current_time()).date().isoformat()
    body = {"handed_over_by": "Anna Caseworker", "place": "Riga airport, departures hall",
            "handed_over_on": day, "amount": str(grant.amount), "currency": "EUR",
            "receipt_document_id": other.json()["id"]}

    r = await api.post(f"{case}/grant/cash-handover", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "receipt_document_id"]
    stray = await api.post(
        f"{case}/documents", data={"kind": "payment_receipt", "payment_id": "another-payment"},
        files={"file": ("receipt-other.pdf", PDF, "application/pdf")})
    r = await api.post(f"{case}/grant/cash-handover",
                       json={**body, "receipt_document_id": stray.json()["id"]})
    assert r.status_code == 409 and "linked to payment another-payment" in r.json()["detail"]
    assert r.json()["code"] == "receipt_other_payment"
    # The receipt Homeward generated to be signed is not the signed one.
    generated = store_pdf(engine, build_vault(settings), state.case_id, "caseworker",
                          DocumentKind.PAYMENT_RECEIPT, "grant receipt (to sign).pdf", PDF,
                          payment_id=grant.payment_id)
    r = await api.post(f"{case}/grant/cash-handover",
                       json={**body, "receipt_document_id": generated.id})
    assert r.status_code == 422 and "generated receipt, not yet signed" in r.text
    body["receipt_document_id"] = receipt.json()["id"]
    r = await api.post(f"{case}/grant/cash-handover", json={**body, "amount": "250.00"})
    assert r.status_code == 409 and "must be the approved grant (300.00 EUR)" in r.json()["detail"]
    r = await api.post(f"{case}/grant/cash-handover", json=body, headers=bearer("finance"))
    assert r.status_code == 403
    r = await api.post(f"{case}/grant/cash-handover", json=body)
    assert r.status_code == 200, r.text

    state = await handle.query(ReturnCaseWorkflow.state)
    assert state.grant is not None and state.grant.status == GrantStatus.PAID
    handover = state.grant.handover
    assert handover is not None and handover.receipt_document_id == receipt.json()["id"]
    assert (handover.handed_over_by, str(handover.amount)) == ("Anna Caseworker", "300.00")
    costs = (await api.get(f"{case}/costs")).json()["data"]
    assert [c["amount"] for c in costs if c["category"] == "cash_grant"] == ["300.00"]
    r = await api.post(f"{case}/grant/cash-handover", json=body)
    assert r.status_code == 409  # recorded once


async def test_the_web_form_takes_the_signed_receipt_uploaded_with_it_or_chosen(
    cash: tuple[httpx.AsyncClient, Settings, FastAPI], time_env: WorkflowEnvironment,  # noqa: F811
    engine: Engine,
) -> None:
    """No document id to type: the form uploads the signed receipt (linked to the grant's
    payment) or offers the case's receipts of that payment to choose from."""
    api, settings, app = cash
    handle, state = await to_departure(time_env, settings, engine, "approved")
    assert state.grant is not None
    page_path = f"/ui/cases/{state.case_id}"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://homeward.test") as web:
        login = await web.get("/ui/login")
        r = await web.post("/ui/login", data={"username": "caseworker", "password": DEMO_PASSWORD,
                                              "next": "/ui", "csrf_token": csrf_of(login.text)})
        assert r.status_code == 303
        page = await web.get(page_path)
        form = re.search(r'<form[^>]*data-action="cash-handover".*?</form>', page.text, re.DOTALL)
        assert form and 'enctype="multipart/form-data"' in form.group(0)
        assert 'name="receipt_file"' in form.group(0) and "<select" not in form.group(0)
        payment = re.search(r'name="receipt_payment_id" value="([^"]+)"', form.group(0))
        assert payment and payment.group(1) == state.grant.payment_id
        day = (await time_env.get_current_time()).date().isoformat()
        fields = {"csrf_token": csrf_of(page.text), "next": page_path, "offer": "",
                  "handed_over_by": "Anna Caseworker", "place": "Riga airport",
                  "handed_over_on": day, "currency": "EUR", "receipt_document_id": "",
                  "receipt_payment_id": payment.group(1)}
        # Uploaded with the form; the amount is wrong, so the hand-over is refused, but the
        # signed receipt is kept and offered next time.
        r = await web.post(f"{page_path}/actions/cash-handover", data={**fields, "amount": "1.00"},
                           files={"receipt_file": ("receipt-signed.pdf", PDF, "application/pdf")})
        assert r.status_code == 409 and "must be the approved grant" in r.text
        receipts = (await api.get(f"/cases/{state.case_id}/documents")).json()["data"]
        [receipt] = [d for d in receipts if d["kind"] == "payment_receipt"]
        assert receipt["payment_id"] == state.grant.payment_id
        page = await web.get(page_path)
        form = re.search(r'<form[^>]*data-action="cash-handover".*?</form>', page.text, re.DOTALL)
        assert form and f'<option value="{receipt["id"]}" selected>' in form.group(0)
        assert "receipt-signed.pdf" in form.group(0)
        # Chosen from the list, no file: the grant is paid against that receipt.
        r = await web.post(f"{page_path}/actions/cash-handover", data={
            **fields, "csrf_token": csrf_of(page.text), "amount": str(state.grant.amount),
            "receipt_document_id": receipt["id"]})
        assert r.status_code == 303, r.text
    live = await handle.query(ReturnCaseWorkflow.state)
    assert live.grant is not None and live.grant.status == GrantStatus.PAID
    assert live.grant.handover is not None
    assert live.grant.handover.receipt_document_id == receipt["id"]
