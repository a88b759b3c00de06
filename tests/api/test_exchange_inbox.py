"""The inbound half of the exchange between installations (api/exchange_inbox.py): who may
send, the signature, the timestamp window, the order, and a message received twice."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.exchange_inbox import receive
from api.exchange_refusals import Refused
from core.settings import Settings
from models.exchange import Envelope, ExchangeInbox, MessageType
from models.tables import Case
from models.timeline import TimelineEntry
from tests.api.exchange_messages import signed


def message(type_: MessageType = MessageType.ACCEPTED, sequence: int = 1,
            **fields: Any) -> Envelope:
    return Envelope(message_id=f"m-{type_}-{sequence}", type=type_, sender="GE-homeward",
                    conversation_id="case-1", sequence=sequence, sent_at=datetime.now(UTC),
                    body={"reference": "GE-2026-000001"}, **fields)


def deliver(engine: Engine, settings: Settings, headers: dict[str, str], body: bytes) -> Any:
    # None as the Temporal client: none of these messages reaches a workflow.
    return asyncio.run(receive(engine, None, settings, headers, body))  # type: ignore[arg-type]


def refusal(engine: Engine, settings: Settings, headers: dict[str, str], body: bytes
            ) -> tuple[int, str]:
    with pytest.raises(Refused) as refused:
        deliver(engine, settings, headers, body)
    return refused.value.status, refused.value.error


def acceptances(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(TimelineEntry).where(
            TimelineEntry.case_id == "case-1")).all())


def test_a_message_received_twice_changes_nothing(
    engine: Engine, settings: Settings, sender: str
) -> None:
    headers, body = signed(message())
    assert deliver(engine, settings, headers, body)["status"] == "applied"
    assert acceptances(engine) == 1
    # The same message again (a retry whose answer was lost, re-signed): a duplicate.
    headers, body = signed(message())
    assert deliver(engine, settings, headers, body)["status"] == "duplicate"
    assert acceptances(engine) == 1
    with Session(engine) as session:
        assert len(session.exec(select(ExchangeInbox)).all()) == 1


def test_forged_stale_and_unknown_messages_are_refused_and_change_nothing(
    engine: Engine, settings: Settings, sender: str
) -> None:
    envelope = message()
    # A replay captured earlier: its signature holds, its timestamp is too old.
    headers, body = signed(envelope, age=settings.exchange_max_age_seconds + 5)
    assert refusal(engine, settings, headers, body) == (401, "stale_timestamp")
    # The body changed after signing, or signed with another secret.
    headers, body = signed(envelope)
    tampered = body.replace(b"GE-2026-000001", b"GE-2026-000002")
    assert refusal(engine, settings, headers, tampered) == (401, "bad_signature")
    headers, body = signed(envelope, secret="not-the-shared-secret-at-all")
    assert refusal(engine, settings, headers, body) == (401, "bad_signature")
    # A sender that is no Homeward partner here (unknown, or a plain webhook partner).
    headers, body = signed(envelope.model_copy(update={"sender": "XX"}), sender="XX")
    assert refusal(engine, settings, headers, body) == (401, "unknown_sender")
    headers, body = signed(envelope, sender="GE-ngo")
    assert refusal(engine, settings, headers, body) == (401, "unknown_sender")
    # A version this side does not speak; an Idempotency-Key that is not the message id.
    headers, body = signed(envelope.model_copy(update={"exchange_version": "3"}))
    assert refusal(engine, settings, headers, body) == (400, "unsupported_version")
    headers, body = signed(envelope)
    assert refusal(engine, settings, headers | {"idempotency-key": "other"}, body) == (
        400, "bad_envelope")
    assert acceptances(engine) == 0


def test_messages_apply_in_their_conversations_order(
    engine: Engine, settings: Settings, sender: str
) -> None:
    # The second message first: "not yet" (409, the sender tries again later).
    headers, body = signed(message(MessageType.ARRIVED, sequence=2))
    assert refusal(engine, settings, headers, body) == (409, "out_of_order")
    # A message about a case never sent to this partner.
    headers, body = signed(message().model_copy(update={"conversation_id": "case-9"}))
    assert refusal(engine, settings, headers, body) == (422, "unknown_conversation")
    with Session(engine) as session:
        assert session.exec(select(ExchangeInbox)).all() == []


def test_a_handover_without_the_consent_opens_no_case(
    engine: Engine, settings: Settings, sender: str
) -> None:
    package = {"case_id": "c", "reference": "LV-1", "country_of_origin": "GE",
               "destination_city": "Tbilisi", "departed_on": "2026-12-01",
               "preferred_language": "ka", "household": []}
    envelope = message(MessageType.HANDOVER).model_copy(update={
        "conversation_id": "remote-case",
        "body": {"package": package, "consent": {"share_with_partner": False}}})
    headers, body = signed(envelope)
    assert refusal(engine, settings, headers, body) == (422, "no_consent")
    # A wrong body is answered without its values (they may be names).
    person = {"given_name": "Nino", "family_name": "Beridze", "date_of_birth": "1990-13-01",
              "sex": "female", "relationship": "principal", "vulnerabilities": []}
    consent = {"share_with_partner": True, "declaration_signed_on": "2026-11-01"}
    headers, body = signed(envelope.model_copy(update={"body": {
        "package": package | {"household": [person]}, "consent": consent}}))
    with pytest.raises(Refused) as refused:
        deliver(engine, settings, headers, body)
    assert refused.value.error == "bad_body" and "household.0.date_of_birth" in refused.value.detail
    assert "Beridze" not in refused.value.detail and "1990-13-01" not in refused.value.detail
    with Session(engine) as session:
        assert session.exec(select(Case)).all() == []
    assert json.loads(body)["type"] == "case.handover"
