"""The inbound half of the exchange between installations (api/exchange_inbox.py): who may
send, the signature, the timestamp window, the order, and a message received twice."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import HTTPException
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from activities.exchange_outbox import signed_headers
from api.exchange_inbox import receive
from api.exchange_proposals import answer, proposed_cases
from api.exchange_refusals import Refused
from core.settings import Settings
from models.enums import CaseStatus, Role, Stage
from models.exchange import (
    Direction,
    Envelope,
    ExchangeInbox,
    ExchangeLink,
    ExchangeOutbox,
    ExchangeProposal,
    MessageType,
    PartnerKind,
    ProposalStatus,
)
from models.partners import NeedsAssessment, Partner
from models.people import Actor
from models.schemas_partners import PartnerAnswerIn
from models.tables import Case, HouseholdMember
from models.timeline import TimelineEntry

SECRET = "a-secret-both-installations-share"


@pytest.fixture
def sender(engine: Engine) -> str:
    """This side sent case-1 to GE-homeward (which reports back), and knows a plain partner."""
    with Session(engine) as session:
        session.add(Partner(id="GE-homeward", organisation="GE", country="GE",
                            contact_email="x@ge.example", kind=PartnerKind.HOMEWARD,
                            webhook_url="http://127.0.0.1:9/exchange/v1/messages",
                            webhook_secret=SECRET))
        session.add(Partner(id="GE-ngo", organisation="NGO", country="GE",
                            contact_email="x@ngo.example", webhook_url="http://127.0.0.1:9/h",
                            webhook_secret=SECRET))
        session.add(ExchangeLink(case_id="case-1", partner_id="GE-homeward",
                                 conversation_id="case-1", direction=Direction.SENT))
        session.commit()
    return "GE-homeward"


def message(type_: MessageType = MessageType.ACCEPTED, sequence: int = 1,
            **fields: Any) -> Envelope:
    return Envelope(message_id=f"m-{type_}-{sequence}", type=type_, sender="GE-homeward",
                    conversation_id="case-1", sequence=sequence, sent_at=datetime.now(UTC),
                    body={"reference": "GE-2026-000001"}, **fields)


def signed(envelope: Envelope, *, sender: str = "GE-homeward", secret: str = SECRET,
           age: int = 0) -> tuple[dict[str, str], bytes]:
    body = envelope.model_dump_json().encode()
    headers = signed_headers(secret, sender, envelope.message_id, body,
                             timestamp=str(int(time.time()) - age))
    return {k.lower(): v for k, v in headers.items()}, body


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


PERSON = {"given_name": "Nino", "family_name": "Beridze", "date_of_birth": "1990-04-01",
          "sex": "female", "relationship": "principal", "vulnerabilities": ["single_parent"]}
CONSENT = {"share_with_partner": True, "declaration_signed_on": "2026-11-01"}


def proposal_message(type_: MessageType, sequence: int, **package: Any) -> Envelope:
    """A message of version 2 from GE-homeward about its case remote-case, before departure."""
    body = {"package": {"kind": "proposal", "case_id": "remote-case", "reference": "GE-7",
                        "country_of_origin": "LV", "destination_city": "Riga",
                        "preferred_language": "lv", "household": [PERSON],
                        "needs": {"wants_to_do": "open a bakery", "skills": "baker",
                                  "health": "", "housing": "with her sister"}} | package,
            "consent": CONSENT}
    return Envelope(exchange_version="2", message_id=f"m-{type_}-{sequence}", type=type_,
                    sender="GE-homeward", conversation_id="remote-case", sequence=sequence,
                    sent_at=datetime.now(UTC), body=body)


async def received(engine: Engine, client: Any, settings: Settings, envelope: Envelope
                   ) -> str:
    headers, body = signed(envelope)
    return str((await receive(engine, client, settings, headers, body))["status"])


async def test_a_proposed_case_is_answered_here_once_and_its_handover_takes_it_over(
    engine: Engine, settings: Settings, sender: str, dev_env: WorkflowEnvironment
) -> None:
    client = dev_env.client
    travel = {"status": "booked", "flight": "A3 1234", "departure_date": "2026-12-20",
              "arrival_airport": "RIX", "arrival_time": "14:05", "escort": True}
    proposed = proposal_message(MessageType.PROPOSED, 1)
    assert await received(engine, client, settings, proposed) == "applied"
    pre_arrival = proposal_message(MessageType.PRE_ARRIVAL, 2, kind="pre_arrival",
                                   reason="first", travel=travel)
    assert await received(engine, client, settings, pre_arrival) == "applied"
    # The same messages again (a retry whose answer was lost, a replay): nothing changes.
    assert await received(engine, client, settings, proposed) == "duplicate"
    assert await received(engine, client, settings, pre_arrival) == "duplicate"

    staff = Actor(id="caseworker", role=Role.CASEWORKER)
    with Session(engine) as session:
        [case] = session.exec(select(Case)).all()
        assert case.external_ref == "GE-homeward:remote-case" and case.stage == Stage.TRAVEL
        assert case.departure_date == date(2026, 12, 20)
        [member] = session.exec(select(HouseholdMember)).all()
        assert (member.given_name, member.vulnerabilities) == ("Nino", ["single_parent"])
        needs = session.get(NeedsAssessment, case.id)
        assert needs is not None and needs.wants_to_do == "open a bakery"
        [row] = proposed_cases(session, staff)
    assert row.status == ProposalStatus.PENDING and row.packages == 1
    assert row.travel is not None and row.travel.flight == "A3 1234" and row.travel.escort
    assert row.household_size == 1 and not row.handed_over

    # This side's staff accept: proposal.answered is queued for GE-homeward, once.
    await answer(engine, client, settings, case.id, staff, PartnerAnswerIn(accept=True))
    with pytest.raises(HTTPException) as again:
        await answer(engine, client, settings, case.id, staff,
                     PartnerAnswerIn(accept=False, reason="changed our mind"))
    assert again.value.status_code == 409
    with Session(engine) as session:
        [answered] = session.exec(select(ExchangeOutbox)).all()
    assert answered.type == MessageType.ANSWERED and answered.partner_id == "GE-homeward"
    assert answered.envelope["body"] == {"accept": True, "reason": None}
    assert answered.envelope["exchange_version"] == "2"
    assert answered.envelope["conversation_id"] == "remote-case"

    # After departure, the handover (version 1) takes the proposed case over: one case.
    handover = Envelope(message_id="m-handover", type=MessageType.HANDOVER,
                        sender="GE-homeward", conversation_id="remote-case", sequence=3,
                        sent_at=datetime.now(UTC), body={"package": {
                            "case_id": "remote-case", "reference": "GE-7",
                            "country_of_origin": "LV", "destination_city": "Riga",
                            "departed_on": "2026-12-20", "preferred_language": "lv",
                            "household": [PERSON]}, "consent": CONSENT})
    assert await received(engine, client, settings, handover) == "applied"
    with Session(engine) as session:
        [after] = session.exec(select(Case)).all()
        assert after.id == case.id and after.stage == Stage.ARRIVAL
        assert len(session.exec(select(HouseholdMember)).all()) == 1
        types = [m.type for m in session.exec(select(ExchangeOutbox)
                                              .order_by(col(ExchangeOutbox.created_at))).all()]
        [row] = proposed_cases(session, staff)
    assert types == [MessageType.ANSWERED, MessageType.ACCEPTED] and row.handed_over
    await client.get_workflow_handle(f"case-{case.id}").describe()  # its workflow runs

    # A withdrawal reaching a case handed over already (its workflow runs): applied, and
    # nothing changes here.
    withdrawn = withdrawn_message(4, reason="case_closed")
    assert await received(engine, client, settings, withdrawn) == "applied"
    with Session(engine) as session:
        [after] = session.exec(select(Case)).all()
        [row] = proposed_cases(session, staff)
    assert (after.stage, after.status) == (Stage.ARRIVAL, CaseStatus.ACTIVE)
    assert row.status == ProposalStatus.ACCEPTED and row.handed_over


async def test_a_declined_proposal_closes_the_case_here_until_it_is_proposed_again(
    engine: Engine, settings: Settings, sender: str, dev_env: WorkflowEnvironment
) -> None:
    client = dev_env.client
    staff = Actor(id="caseworker", role=Role.CASEWORKER)
    # Without the returnee's consent nothing is recorded.
    refused_one = proposal_message(MessageType.PROPOSED, 1)
    refused_one.body["consent"] = {"share_with_partner": False}
    headers, body = signed(refused_one)
    with pytest.raises(Refused) as refused:
        await receive(engine, client, settings, headers, body)
    assert refused.value.error == "no_consent"

    assert await received(engine, client, settings,
                          proposal_message(MessageType.PROPOSED, 1)) == "applied"
    with Session(engine) as session:
        [case] = session.exec(select(Case)).all()
    await answer(engine, client, settings, case.id, staff,
                 PartnerAnswerIn(accept=False, reason="no capacity in Riga until March"))
    with Session(engine) as session:
        assert session.get(Case, case.id).status == CaseStatus.CLOSED  # type: ignore[union-attr]
        [row] = proposed_cases(session, staff, ProposalStatus.DECLINED)
        [answered] = session.exec(select(ExchangeOutbox)).all()
    assert row.reason == "no capacity in Riga until March"
    assert answered.envelope["body"]["accept"] is False

    # Chosen again later by the sender: a new round on the same case.
    again = proposal_message(MessageType.PROPOSED, 2).model_copy(update={"message_id": "m-2"})
    assert await received(engine, client, settings, again) == "applied"
    with Session(engine) as session:
        assert session.get(Case, case.id).status == CaseStatus.ACTIVE  # type: ignore[union-attr]
        [row] = proposed_cases(session, staff, ProposalStatus.PENDING)
        assert len(session.exec(select(Case)).all()) == 1


def withdrawn_message(sequence: int, reason: str = "another_partner") -> Envelope:
    return Envelope(exchange_version="2", message_id=f"m-withdrawn-{sequence}",
                    type=MessageType.WITHDRAWN, sender="GE-homeward",
                    conversation_id="remote-case", sequence=sequence,
                    sent_at=datetime.now(UTC), body={"reason": reason})


async def test_a_withdrawn_proposal_closes_the_case_here_and_cannot_be_answered(
    engine: Engine, settings: Settings, sender: str
) -> None:
    """The sender chose another partner while this side's answer was pending: the proposed
    case closes, shown withdrawn, and an answer is refused; the message again is a duplicate."""
    staff = Actor(id="caseworker", role=Role.CASEWORKER)
    # None as the Temporal client: a proposal and its withdrawal reach no workflow.
    assert await received(engine, None, settings,
                          proposal_message(MessageType.PROPOSED, 1)) == "applied"
    bad = withdrawn_message(2, reason="we changed our mind about Nino")
    headers, body = signed(bad)
    with pytest.raises(Refused) as refused:
        await receive(engine, None, settings, headers, body)  # type: ignore[arg-type]
    assert refused.value.error == "bad_body"
    assert await received(engine, None, settings, withdrawn_message(2)) == "applied"
    assert await received(engine, None, settings, withdrawn_message(2)) == "duplicate"
    with Session(engine) as session:
        [case] = session.exec(select(Case)).all()
        assert case.status == CaseStatus.CLOSED and case.stage == Stage.TRAVEL
        [row] = proposed_cases(session, staff, ProposalStatus.WITHDRAWN)
        assert proposed_cases(session, staff, ProposalStatus.PENDING) == []
    assert row.reason == "another_partner" and row.answered_at is not None
    assert row.answered_by == "exchange:GE-homeward" and not row.handed_over
    with pytest.raises(HTTPException) as late:
        await answer(engine, None, settings, case.id, staff,  # type: ignore[arg-type]
                     PartnerAnswerIn(accept=True))
    assert late.value.status_code == 409 and "withdrew" in str(late.value.detail)
    with Session(engine) as session:
        assert session.exec(select(ExchangeOutbox)).all() == []  # nothing goes back
        assert session.get(ExchangeProposal, case.id).status == ProposalStatus.WITHDRAWN  # type: ignore[union-attr]
