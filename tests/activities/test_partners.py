"""The partner handover: a signed webhook to a real HTTP server on 127.0.0.1, and what it carries."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError

from activities.notifications import SimulatedNotifications
from activities.partner_activities import PartnerActivities
from activities.partners import (
    PartnerEndpoint,
    PortalPartners,
    SimulatedPartners,
    WebhookPartners,
    verify,
)
from activities.simulation import ServiceUnavailable
from models.enums import Relationship, Sex
from models.external import HandoverRequest, PartnerPackage, PartnerTravel, PreArrivalRequest
from models.partners import Partner, PartnerDelivery
from models.tables import HouseholdMember
from tests.factories import insert_case

SECRET = "partner-shared-secret-0123456789"
PACKAGE = PartnerPackage(
    case_id="c1", reference="LV-2026-000001", country_of_origin="GE", destination_city="Tbilisi",
    departed_on=date(2026, 5, 1), preferred_language="ka", household=[],
)


class PartnerServer:
    """A partner's webhook endpoint: checks the signature like a partner would."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], dict[str, object], bool]] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = verify(SECRET, self.headers["X-Homeward-Timestamp"], body,
                               self.headers["X-Homeward-Signature"])
                outer.received.append((dict(self.headers), json.loads(body), valid))
                self.send_response(outer.status if valid else 401)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"reference": f"GE-{len(outer.received)}"}).encode())

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/homeward/handover"


@pytest.fixture
def partner_server() -> Iterator[PartnerServer]:
    server = PartnerServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()


async def test_the_webhook_is_signed_and_carries_the_idempotency_key(
    partner_server: PartnerServer,
) -> None:
    endpoint = PartnerEndpoint(id="GE-partner", webhook_url=partner_server.url,
                               webhook_secret=SECRET)
    ref = await WebhookPartners().deliver(endpoint, PACKAGE, "c1:handover:7")
    assert ref == "GE-1"
    headers, body, valid = partner_server.received[0]
    assert valid and headers["Idempotency-Key"] == "c1:handover:7"
    assert body["reference"] == "LV-2026-000001"
    # A forged or altered message fails the partner's check.
    wrong = PartnerEndpoint(id="GE-partner", webhook_url=partner_server.url,
                            webhook_secret="another-secret-0123456789")
    with pytest.raises(ApplicationError, match="rejected the handover \\(401\\)") as err:
        await WebhookPartners().deliver(wrong, PACKAGE, "c1:handover:7")
    assert err.value.non_retryable


async def test_a_failing_partner_is_retried_and_a_rejection_is_not(
    partner_server: PartnerServer,
) -> None:
    endpoint = PartnerEndpoint(id="GE-partner", webhook_url=partner_server.url,
                               webhook_secret=SECRET)
    partner_server.status = 503
    with pytest.raises(ServiceUnavailable, match="answered 503"):
        await WebhookPartners().deliver(endpoint, PACKAGE, "k")
    partner_server.status = 422
    with pytest.raises(ApplicationError, match="rejected"):
        await WebhookPartners().deliver(endpoint, PACKAGE, "k")
    down = PartnerEndpoint(id="GE-partner", webhook_url="http://127.0.0.1:9/x",
                           webhook_secret=SECRET)
    with pytest.raises(ServiceUnavailable, match="unreachable"):
        await WebhookPartners(timeout_seconds=2).deliver(down, PACKAGE, "k")


async def test_the_handover_carries_only_what_the_partner_needs(engine: Engine) -> None:
    case = insert_case(engine, destination_city="Kutaisi")
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="GE", country="GE",
                            contact_email="ops@ge.example"))
        session.add(HouseholdMember(
            id="m1", case_id=case.id, relationship=Relationship.PRINCIPAL, given_name="Tamar",
            family_name="Kvaratskhelia", date_of_birth=date(1990, 1, 2), sex=Sex.FEMALE,
            nationality="GE", passport_number="PX9876543", vulnerabilities=["pregnant"],
        ))
        session.commit()
    partners = SimulatedPartners()
    activities = PartnerActivities(partners, engine)
    request = HandoverRequest(case_id=case.id, handover_key=f"{case.id}:handover:1",
                              country_of_origin="GE", departed_on=date(2026, 5, 1))
    first = await activities.hand_over(request)
    again = await activities.hand_over(request)  # a retried activity: the same delivery
    assert first == again and first.partner_id == "GE-partner"
    [(_, package, _)] = partners.received.values()
    sent = package.model_dump_json()
    assert "Tamar" in sent and "pregnant" in sent and "Kutaisi" in sent
    assert "PX9876543" not in sent and "rejected_asylum_seeker" not in sent
    with pytest.raises(ApplicationError, match="no active reintegration partner for country AM"):
        await activities.hand_over(request.model_copy(update={"country_of_origin": "AM"}))


async def test_portal_mode_records_the_package_once_for_the_partner_page_and_mails_the_reference(
    engine: Engine,
) -> None:
    case = insert_case(engine)
    with Session(engine) as session:
        session.add(Partner(id="GE-partner", organisation="GE", country="GE",
                            contact_email="ops@ge.example"))
        session.add(HouseholdMember(
            id="m1", case_id=case.id, relationship=Relationship.PRINCIPAL, given_name="Tamar",
            family_name="Kvaratskhelia", date_of_birth=date(1990, 1, 2), sex=Sex.FEMALE,
            nationality="GE"))
        session.commit()
    mail = SimulatedNotifications()
    activities = PartnerActivities(PortalPartners(engine, mail), engine)
    request = PreArrivalRequest(
        case_id=case.id, partner_id="GE-partner", key=f"{case.id}:pre-arrival:1", reason="first",
        travel=PartnerTravel(status="booked", flight="LO 675", departure_date=date(2026, 5, 1)))
    first = await activities.send_pre_arrival(request)
    again = await activities.send_pre_arrival(request)  # a retried activity: the same delivery
    assert first == again
    with Session(engine) as session:
        [row] = session.exec(select(PartnerDelivery)).all()
    assert row.partner_id == "GE-partner" and row.kind == "pre_arrival"
    assert row.package["household"][0]["given_name"] == "Tamar"
    assert row.package["travel"]["flight"] == "LO 675"
    [sent] = mail.outbox  # told once, by the case's reference, never by name
    assert sent.to == ["ops@ge.example"] and case.reference in sent.subject
    assert "Tamar" not in sent.subject + sent.body
