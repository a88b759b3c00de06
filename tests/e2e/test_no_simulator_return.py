"""One return with no simulator active, on a real dev server: the embassy's letter and the
authorities' notice reach a real SMTP server (aiosmtpd), the travel desk records the booking,
the grant is handed over in cash against a signed receipt, and the donor report and the
budget show exactly the amounts recorded (the embassy's fee, the ticket, the grant).

Partners run in their real mode (webhooks), but the household gives no consent to share with
a partner, so nothing is handed over: the return ends at departure and the cash hand-over,
which is what this test is about; the signed webhook itself is tested in tests/activities.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.clients import clients_from
from api.main import create_app
from core.settings import Settings
from models.users import User
from tests.activities.test_embassy_email import pdf_text
from tests.api.decision_cases import COUNSELLING, SUPERVISOR
from tests.api.test_cash_handover import PDF
from tests.api.test_projects import ADMIN, project_json
from tests.api.test_travel_desk import DESK, requests_once_projected
from tests.factories import CASE_JSON
from tests.smtp import SmtpServer, smtp_server  # noqa: F401
from tests.tokens import bearer
from worker import build_worker

BORDER_GUARD, AUDITOR = bearer("borderguard"), bearer("auditor")
EMBASSY = {"country": "GE", "name": "Embassy of Georgia in Riga", "email": "riga@mfa.gov.ge",
           "letter_language": "ru", "answer_days": 21}
FEE, TICKET = Decimal("60.00"), Decimal("412.50")


@pytest.fixture
def real_settings(settings: Settings, smtp_server: SmtpServer) -> Settings:  # noqa: F811
    return settings.model_copy(update={
        "embassy": "email", "authorities": "email", "booking": "desk", "payments": "cash",
        "notifications": "smtp", "partners": "webhook",
        "smtp_host": "127.0.0.1", "smtp_port": smtp_server.port, "smtp_starttls": False,
        "smtp_from": "homeward@iom.test", "office_email": "returns@iom.test",
        "border_guard_emails": ["departures@border.test"],
        "migration_office_emails": ["notices@migration.test"],
    })


@pytest.fixture
async def office(dev_env: WorkflowEnvironment, real_settings: Settings, engine: Engine,
                 users: dict[str, User]) -> AsyncIterator[httpx.AsyncClient]:
    """The API and a worker wired as `homeward run` wires them: clients from the settings."""
    app = create_app(real_settings)
    app.state.engine, app.state.temporal = engine, dev_env.client
    async with (
        build_worker(dev_env.client, real_settings, engine,
                     clients=clients_from(real_settings, engine)),
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
                          headers=bearer("caseworker")) as client,
    ):
        yield client


async def ok(response: Any) -> dict[str, Any]:
    r = await response
    assert r.is_success, r.text
    return r.json()  # type: ignore[no-any-return]


async def live(api: httpx.AsyncClient, case: str) -> dict[str, Any]:
    return (await ok(api.get(case)))["live"]  # type: ignore[no-any-return]


async def test_a_return_with_no_simulator_books_exactly_what_was_recorded(
    office: httpx.AsyncClient, real_settings: Settings, smtp_server: SmtpServer,  # noqa: F811
) -> None:
    api, inbox, today = office, smtp_server.inbox, datetime.now(UTC).date()
    assert real_settings.simulated_systems == []
    # The office's set-up: a project whose policy books flights from the same day (so the
    # flight can leave, and be confirmed, while the test runs), and the embassy's address.
    later = (today + timedelta(days=90)).isoformat()
    project = await ok(api.post("/projects", headers=ADMIN, json=project_json(
        code="AMIF-LV-E2E", period_start=(today - timedelta(days=90)).isoformat(),
        period_end=later, policy={"lead_times": {"earliest_departure_days": 0}})))
    await ok(api.post("/embassies", headers=ADMIN, json=EMBASSY))

    # Intake (no passport: a travel document is needed), counselling, eligibility (four
    # eyes), consent: shared with the authorities, not with a reintegration partner.
    created = await ok(api.post("/cases", json=CASE_JSON | {"project_id": project["id"]}))
    case, reference = f"/cases/{created['id']}", created["reference"]
    await ok(api.post(f"{case}/counselling-sessions", json=COUNSELLING))
    await ok(api.post(f"{case}/intake/complete"))
    await ok(api.post(f"{case}/eligibility/assessment", json={"eligible": True, "notes": "ok"}))
    await ok(api.post(f"{case}/eligibility/decision", headers=SUPERVISOR,
                      json={"approve": True, "reason": "ok"}))
    await ok(api.post(f"{case}/consent", json={
        "declaration_signed_on": today.isoformat(), "share_with_authorities": True,
        "share_with_partner": False, "witnessed_by": "N. K."}))
    await ok(api.post(f"{case}/grant/proposal"))
    await ok(api.post(f"{case}/grant/decision", headers=SUPERVISOR,
                      json={"approve": True, "reason": "standard grant"}))

    # The travel document: the request letter reaches the embassy as a PDF.
    state = await ok(api.post(f"{case}/travel-documents/assessment",
                              json={"planned_departure": (today + timedelta(days=1)).isoformat()}))
    request_ref = state["documents"]["request_ref"]
    assert state["documents"]["status"] == "requested" and request_ref.startswith(reference)
    [letter] = inbox.to("riga@mfa.gov.ge")
    assert reference in letter.subject
    text = pdf_text(letter)
    assert request_ref in text and "Giorgi" in text and "Beridze" in text

    # The embassy's answer, with its fee: refused in another currency, then recorded.
    answer = {"request_ref": request_ref, "issued": True,
              "valid_until": later,
              "fee": str(FEE), "fee_currency": "USD"}
    r = await api.post(f"{case}/travel-documents/embassy-answer", json=answer)
    assert r.status_code == 409 and "keeps its accounts in EUR" in r.json()["detail"]
    state = await ok(api.post(f"{case}/travel-documents/embassy-answer",
                              json=answer | {"fee_currency": "EUR"}))
    assert state["stage"] == "clearance"

    # The departure notice reaches the authorities; the border guard records the clearance.
    [notice] = inbox.to("departures@border.test")
    assert reference in notice.subject and "Beridze" in notice.body
    assert len(inbox.to("notices@migration.test")) == 1
    await ok(api.post(f"{case}/clearance", headers=BORDER_GUARD, json={
        "kind": "exit_clearance", "confirmed_on": today.isoformat(),
        "reference": state["clearance"]["border_guard_ref"]}))

    # The booking request goes to the travel desk, which records the booking and its price.
    await ok(api.post(f"{case}/bookings", json={"departure_date": today.isoformat()}))
    [request] = await requests_once_projected(api, 1)
    assert request["case_id"] == created["id"]
    assert request["travellers"][0]["family_name"] == "Beridze"
    day = today.isoformat()
    state = await ok(api.post(f"{case}/travel-desk/booking", headers=DESK, json={
        "booking_ref": "PNR7QX", "price": str(TICKET), "currency": "EUR",
        "segments": [{"flight_number": "BT722", "from_airport": "RIX", "to_airport": "TBS",
                      "departs_at": f"{day}T23:05", "arrives_at": f"{day}T23:55"}]}))
    assert state["stage"] == "travel"

    # The border guard confirms the departure; the grant waits for its cash hand-over.
    state = await ok(api.post(f"{case}/departure", headers=BORDER_GUARD,
                              json={"booking_ref": "PNR7QX", "departed_on": day}))
    assert state["stage"] == "departed"
    grant = state["grant"]
    assert grant["status"] == "payment_pending" and grant["payment_method"] == "cash"

    # The signed receipt through the documents API, then the hand-over recorded with it.
    receipt = await ok(api.post(
        f"{case}/documents", data={"kind": "payment_receipt", "payment_id": grant["payment_id"]},
        files={"file": ("receipt-signed.pdf", PDF, "application/pdf")}))
    state = await ok(api.post(f"{case}/grant/cash-handover", json={
        "handed_over_by": "Anna Caseworker", "place": "Riga airport, departures hall",
        "handed_over_on": day, "amount": grant["amount"], "currency": "EUR",
        "receipt_document_id": receipt["id"]}))
    assert state["grant"]["status"] == "paid"
    grant_amount = Decimal(grant["amount"])

    # What the donor report and the budget show: exactly what was recorded, nothing else.
    costs = (await ok(api.get(f"{case}/costs")))["data"]
    assert sorted((c["category"], Decimal(c["amount"])) for c in costs) == [
        ("cash_grant", grant_amount), ("document_fee", FEE), ("ticket", TICKET)]
    spent = {"document_fee": FEE, "ticket": TICKET, "cash_grant": grant_amount}
    total = FEE + TICKET + grant_amount
    report = await ok(api.get(f"/projects/{project['id']}/report", headers=AUDITOR,
                              params={"start": day, "end": day}))
    assert {k: Decimal(v["total"]) for k, v in report["spending_by_category"].items()
            if Decimal(v["total"])} == spent
    assert Decimal(report["spending_total"]["total"]) == total
    assert Decimal(report["simulated_costs_total"]) == 0  # no simulator booked anything
    assert not any(c["simulated"] for c in costs)
    assert report["persons_returned"] == 1 and report["cases_returned"] == 1
    budget = await ok(api.get(f"/projects/{project['id']}/budget", headers=AUDITOR))
    assert Decimal(budget["consumed"]) == total and Decimal(budget["committed"]) == 0
    assert Decimal(budget["simulated"]) == 0
    assert {k: Decimal(v["consumed"]) for k, v in budget["by_category"].items()
            if Decimal(v["consumed"])} == spent

