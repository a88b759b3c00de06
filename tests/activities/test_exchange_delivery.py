"""The delivery of an exchange message (activities/exchange.Exchange.deliver): signed as the
contract says; "not now" answers are retried, refusals are final and shown on the case."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import date
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError

from activities import exchange, exchange_outbox
from activities.partner_activities import PartnerActivities
from activities.partners import SimulatedPartners, verify
from activities.simulation import ServiceUnavailable
from core.settings import Settings
from models.consent import ConsentStatus, Purpose, PurposeConsent
from models.enums import Relationship, Sex
from models.exchange import Direction, ExchangeLink, ExchangeOutbox, MessageType, PartnerKind
from models.external import (
    PartnerPackage,
    PartnerTravel,
    PreArrivalRequest,
    ProposalRequest,
    ProposalResult,
    WithdrawalRequest,
    WithdrawalResult,
)
from models.partners import NeedsAssessment, Partner
from models.tables import HouseholdMember
from models.timeline import TimelineEntry
from tests.factories import insert_case

SECRET = "a-secret-both-installations-share"


@pytest.fixture
def queued(engine: Engine, settings: Settings) -> str:
    """A handover queued for GE-homeward."""
    with Session(engine) as session:
        session.add(Partner(id="GE-homeward", organisation="GE", country="GE",
                            contact_email="x@ge.example", kind=PartnerKind.HOMEWARD,
                            webhook_url="http://ge.test/exchange/v1/messages",
                            webhook_secret=SECRET))
        link = ExchangeLink(case_id="case-1", partner_id="GE-homeward",
                            conversation_id="case-1", direction=Direction.SENT)
        message_id = exchange_outbox.enqueue(session, settings, link, MessageType.HANDOVER,
                                      {"package": {"household": [{"given_name": "Nino"}]}})
        session.commit()
    assert message_id is not None
    return message_id


def answering(monkeypatch: pytest.MonkeyPatch, *answers: tuple[int, dict[str, Any]]
              ) -> list[httpx.Request]:
    """The other installation answers these, in turn; returns the requests it received."""
    received: list[httpx.Request] = []
    pending = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        received.append(request)
        status, body = pending.pop(0)
        return httpx.Response(status, json=body)

    real = httpx.AsyncClient
    monkeypatch.setattr(exchange.httpx, "AsyncClient",
                        lambda **kw: real(transport=httpx.MockTransport(handler), **kw))
    return received


def row(engine: Engine, message_id: str) -> ExchangeOutbox:
    with Session(engine) as session:
        found = session.get(ExchangeOutbox, message_id)
        assert found is not None
        return found


def test_not_now_is_retried_then_delivered_once_and_the_names_leave_the_outbox(
    engine: Engine, settings: Settings, queued: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    received = answering(monkeypatch, (409, {"error": "out_of_order", "detail": "1 first"}),
                         (200, {"status": "applied"}))
    sender = exchange.Exchange(engine, settings)
    with pytest.raises(ServiceUnavailable):  # retried by the delivery workflow's policy
        asyncio.run(sender.deliver(queued))
    assert row(engine, queued).last_error is not None and row(engine, queued).attempts == 1
    assert asyncio.run(sender.deliver(queued)) == "applied"
    assert asyncio.run(sender.deliver(queued)) == "delivered"  # nothing posted again
    assert len(received) == 2
    request = received[1]
    assert request.headers["Idempotency-Key"] == queued
    assert request.headers["X-Homeward-Sender"] == settings.exchange_name
    assert verify(SECRET, request.headers["X-Homeward-Timestamp"], request.content,
                  request.headers["X-Homeward-Signature"])
    sent = json.loads(request.content)
    assert sent["type"] == "case.handover" and sent["sequence"] == 1
    assert sent["body"]["package"]["household"][0]["given_name"] == "Nino"
    delivered = row(engine, queued)
    assert delivered.delivered_at is not None and delivered.envelope["body"] == {}


def test_a_refusal_is_final_and_shown_on_the_case(
    engine: Engine, settings: Settings, queued: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    answering(monkeypatch, (422, {"error": "no_consent", "detail": "no consent"}))
    sender = exchange.Exchange(engine, settings)
    with pytest.raises(ApplicationError) as refused:
        asyncio.run(sender.deliver(queued))
    assert refused.value.non_retryable and refused.value.type == "ExchangeRefused"
    sender.failed(queued, str(refused.value))
    assert row(engine, queued).failed
    with Session(engine) as session:
        [entry] = session.exec(select(TimelineEntry)).all()
    assert entry.case_id == "case-1" and "could not be delivered" in entry.summary
    assert exchange_outbox.undelivered(engine) == []


class Recorder:
    """Stands for activities/exchange.Exchange: what the partner activities hand it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, PartnerPackage, str]] = []

    async def propose(self, partner_id: str, package: PartnerPackage, key: str) -> str:
        self.sent.append(("proposed", partner_id, package, key))
        return f"exchange:{key}"

    async def send_pre_arrival(self, partner_id: str, package: PartnerPackage, key: str) -> str:
        self.sent.append(("pre_arrival", partner_id, package, key))
        return f"exchange:{key}"


def test_a_homeward_partner_is_proposed_the_case_and_sent_its_pre_arrival_under_consent(
    engine: Engine, queued: str
) -> None:
    """Before departure, a partner of kind homeward gets what the consent for the purpose
    'installation' allows (a person who refused it is left out); a plain partner gets no
    proposal from the exchange (the reminder told it)."""
    case = insert_case(engine, destination_city="Tbilisi")
    with Session(engine) as session:
        session.add(Partner(id="GE-ngo", organisation="NGO", country="GE",
                            contact_email="x@ngo.example"))
        for n, given in ((0, "Nino"), (1, "Luka")):
            session.add(HouseholdMember(
                id=f"{case.id[:8]}-{n}", case_id=case.id, position=n, given_name=given,
                family_name="Beridze", date_of_birth=date(1990 + n * 20, 4, 1),
                sex=Sex.FEMALE if n == 0 else Sex.MALE, nationality="GE",
                relationship=Relationship.PRINCIPAL if n == 0 else Relationship.CHILD,
                passport_number="GE1234567"))
        session.flush()
        session.add(PurposeConsent(id=str(uuid.uuid4()), case_id=case.id,
                                   member_id=f"{case.id[:8]}-1", purpose=Purpose.INSTALLATION,
                                   status=ConsentStatus.REFUSED, on=date(2026, 11, 1),
                                   recorded_by="caseworker"))
        session.add(NeedsAssessment(case_id=case.id, wants_to_do="open a bakery",
                                    recorded_by="caseworker"))
        session.commit()
    recorder = Recorder()
    activities = PartnerActivities(SimulatedPartners(), engine, recorder)

    assert asyncio.run(activities.propose(ProposalRequest(
        case_id=case.id, partner_id="GE-ngo", key="k0"))) == ProposalResult()
    result = asyncio.run(activities.propose(ProposalRequest(
        case_id=case.id, partner_id="GE-homeward", key="k1")))
    assert result.partner_ref == "exchange:k1" and result.refusal is None
    travel = PartnerTravel(status="booked", flight="BT 0701", departure_date=date(2026, 12, 20))
    asyncio.run(activities.send_pre_arrival(PreArrivalRequest(
        case_id=case.id, partner_id="GE-homeward", key="k2", reason="rebooked", travel=travel)))

    [(kind, partner_id, proposed, _), (kind2, _, package, key)] = recorder.sent
    assert (kind, partner_id, kind2, key) == ("proposed", "GE-homeward", "pre_arrival", "k2")
    assert [p.given_name for p in proposed.household] == ["Nino"]  # Luka refused
    assert proposed.kind == "proposal" and proposed.travel is None
    assert proposed.needs is not None and proposed.needs.wants_to_do == "open a bakery"
    assert package.reason == "rebooked" and package.travel == travel
    assert "GE1234567" not in package.model_dump_json()


def test_the_withdrawal_goes_only_to_the_homeward_partner_that_was_sent_the_case(
    engine: Engine, settings: Settings, queued: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``case.withdrawn`` is queued for the installation this case's conversation is with
    (GE-homeward, sent case-1), once per key, with the reason code only; a plain partner, an
    installation never sent the case, or another case: nothing is queued."""
    started: list[str] = []

    async def start(client: Any, settings: Settings, message_id: str, *_: Any) -> None:
        started.append(message_id)

    monkeypatch.setattr(exchange, "start_delivery", start)
    monkeypatch.setattr(exchange, "activity", SimpleNamespace(
        client=lambda: None, info=lambda: SimpleNamespace(task_queue="q")))
    with Session(engine) as session:
        session.add(Partner(id="GE-ngo", organisation="NGO", country="GE",
                            contact_email="x@ngo.example"))
        session.add(Partner(id="AM-homeward", organisation="AM", country="AM",
                            contact_email="x@am.example", kind=PartnerKind.HOMEWARD,
                            webhook_url="http://am.test/exchange/v1/messages",
                            webhook_secret=SECRET))
        session.commit()
    activities = PartnerActivities(SimulatedPartners(), engine,
                                   exchange.Exchange(engine, settings))

    def withdraw(case_id: str, partner_id: str) -> WithdrawalResult:
        return asyncio.run(activities.withdraw(WithdrawalRequest(
            case_id=case_id, partner_id=partner_id, reason="another_partner",
            key=f"{case_id}:withdrawn:{partner_id}:t")))

    assert withdraw("case-1", "GE-ngo") == WithdrawalResult()
    assert withdraw("case-1", "AM-homeward") == WithdrawalResult()
    assert withdraw("case-2", "GE-homeward") == WithdrawalResult()
    first = withdraw("case-1", "GE-homeward")
    assert first.partner_ref is not None
    assert withdraw("case-1", "GE-homeward") == first  # a retried activity: the same message
    with Session(engine) as session:
        rows = session.exec(select(ExchangeOutbox)
                            .where(ExchangeOutbox.type == MessageType.WITHDRAWN)).all()
    [message] = rows
    assert first.partner_ref == f"exchange:{message.message_id}"
    assert message.partner_id == "GE-homeward" and message.case_id == "case-1"
    envelope = message.envelope
    assert envelope["body"] == {"reason": "another_partner"}
    assert (envelope["exchange_version"], envelope["sequence"]) == ("2", 2)  # after the handover
    assert started == [message.message_id] * 2


def test_a_partner_proposed_the_case_again_hears_the_next_message_of_its_conversation(
    engine: Engine, settings: Settings, queued: str
) -> None:
    """case-1 was handed to GE-homeward (message 1); then AM-homeward is sent the case, then
    GE-homeward again: GE's next message is its 2, AM's its 1 (GE's inbox refuses a second 1
    of a conversation as a duplicate, though it is a new message)."""
    def send_to(partner_id: str) -> int:
        with Session(engine) as session:
            link = exchange.link_to(session, "case-1", partner_id)
            assert exchange_outbox.enqueue(session, settings, link, MessageType.PROPOSED, {})
            session.commit()
            return link.next_sequence - 1

    assert [send_to("AM-homeward"), send_to("AM-homeward"), send_to("GE-homeward"),
            send_to("AM-homeward")] == [1, 2, 2, 3]
