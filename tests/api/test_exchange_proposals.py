"""The inbound half of the exchange between installations (api/exchange_inbox.py): cases
another installation proposes before departure, answered here once, declined, withdrawn,
and taken over by the handover after departure; a message received twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi import HTTPException
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from api.exchange_inbox import receive
from api.exchange_proposals import answer, proposed_cases
from api.exchange_refusals import Refused
from core.settings import Settings
from models.enums import CaseStatus, Role, Stage
from models.exchange import Envelope, ExchangeOutbox, ExchangeProposal, MessageType, ProposalStatus
from models.partners import NeedsAssessment
from models.people import Actor
from models.schemas_partners import PartnerAnswerIn
from models.tables import Case, HouseholdMember
from tests.api.exchange_messages import (
    CONSENT,
    PERSON,
    proposal_message,
    received,
    signed,
    withdrawn_message,
)


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
