"""The receiving half of the exchange between Homeward installations (docs/exchange.md).

Every message is authenticated (the sender is a partner of kind ``homeward``; the HMAC of
``"<timestamp>.<body>"`` under its secret; a timestamp no older than
``exchange_max_age_seconds``), applied in its conversation's order, and written to the
inbox keyed by its id: received again, it changes nothing.

- ``case.handover`` opens this installation's own reception and reintegration case (its
  workflow, started at the arrival; its staff) and queues ``case.accepted`` back;
- ``case.proposed`` and ``case.pre_arrival`` (version 2, before departure) open, once, this
  installation's own case row for the proposed case, which its staff accept or decline
  (api/exchange_proposals.py); the handover later takes that case over instead of opening
  a second one (both: api/exchange_received.py); ``case.withdrawn`` closes such a case while
  it is only proposed;
- ``proposal.answered`` is taken on the sending case as its partner's answer (the same
  ``answer_partner_proposal`` as the partner's route);
- ``case.accepted`` is recorded on the sending case (``record_partner_acceptance``);
- the partner's reports (arrival, assistance, plan, delivery, monitoring visit) are taken on
  the sending case by ``api/decisions.take``, as the partner's own routes take them.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

import structlog
from fastapi import HTTPException
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio.client import Client

from activities.exchange import record_partner_acceptance
from activities.partners import sign
from api.decisions import take
from api.exchange_received import find_link, open_case, record_proposal, record_withdrawal
from api.exchange_refusals import Refused, problems
from core.settings import Settings
from models.enums import Role
from models.exchange import (
    EXCHANGE_VERSION,
    EXCHANGE_VERSIONS,
    REPORTED_UPDATES,
    Direction,
    Envelope,
    ExchangeInbox,
    ExchangeLink,
    MessageType,
    PartnerKind,
)
from models.partners import Partner
from models.payloads import Actor
from workflows.decision import Decision
from workflows.phases.arrival import CONFIRM_ARRIVAL, RECORD_ASSISTANCE
from workflows.phases.monitoring import REPORT_MONITORING
from workflows.phases.partners import ANSWER_PARTNER
from workflows.phases.reintegration import PROPOSE_PLAN, REPORT_DELIVERY

log = structlog.get_logger(__name__)

# The partner's reports, each the decision its partner route takes (workflows/phases).
REPORTS: dict[MessageType, Decision] = {
    REPORTED_UPDATES[d.update]: d
    for d in (CONFIRM_ARRIVAL, RECORD_ASSISTANCE, PROPOSE_PLAN, REPORT_DELIVERY,
              REPORT_MONITORING)
}


def authenticate(session: Session, settings: Settings, headers: Any, body: bytes,
                 now: float | None = None) -> tuple[Partner, Envelope]:
    """The sender, and its message once its signature and timestamp hold."""
    sender = headers.get("x-homeward-sender", "")
    timestamp = headers.get("x-homeward-timestamp", "")
    signature = headers.get("x-homeward-signature", "")
    partner = session.get(Partner, sender) if sender else None
    if (partner is None or partner.kind != PartnerKind.HOMEWARD or not partner.active
            or not partner.webhook_secret):
        raise Refused(401, "unknown_sender", f"no active Homeward partner '{sender}' here")
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        raise Refused(401, "bad_timestamp", "X-Homeward-Timestamp: Unix seconds") from None
    if age > settings.exchange_max_age_seconds:
        raise Refused(401, "stale_timestamp",
                      f"signed {int(age)} s ago (at most {settings.exchange_max_age_seconds})")
    if not hmac.compare_digest(sign(partner.webhook_secret, timestamp, body), signature):
        raise Refused(401, "bad_signature", "the signature does not match the body")
    try:
        envelope = Envelope.model_validate_json(body)
    except ValidationError as err:
        raise Refused(400, "bad_envelope", problems(err)) from err
    if envelope.exchange_version not in EXCHANGE_VERSIONS:
        raise Refused(400, "unsupported_version",
                      f"exchange_version {envelope.exchange_version}: this side speaks "
                      f"{', '.join(sorted(EXCHANGE_VERSIONS))} (up to {EXCHANGE_VERSION})")
    if envelope.sender != sender or headers.get("idempotency-key") != envelope.message_id:
        raise Refused(400, "bad_envelope",
                      "sender and Idempotency-Key must repeat the envelope's sender, message_id")
    return partner, envelope


async def receive(engine: Engine, client: Client, settings: Settings, headers: Any,
                  body: bytes) -> dict[str, Any]:
    """Apply one message; returns the answer's body, or raises ``Refused``."""
    with Session(engine) as session:
        partner, envelope = authenticate(session, settings, headers, body)
        seen = session.get(ExchangeInbox, envelope.message_id)
        if seen is not None:
            return {"status": "duplicate", "message_id": envelope.message_id}
        if envelope.sequence > 1 and session.exec(
            select(ExchangeInbox)
            .where(ExchangeInbox.partner_id == partner.id)
            .where(ExchangeInbox.conversation_id == envelope.conversation_id)
            .where(ExchangeInbox.sequence == envelope.sequence - 1)
        ).first() is None:
            raise Refused(409, "out_of_order",
                          f"message {envelope.sequence - 1} of this conversation first")
    if envelope.type == MessageType.HANDOVER:
        case_id = await open_case(engine, client, settings, partner, envelope)
    elif envelope.type in (MessageType.PROPOSED, MessageType.PRE_ARRIVAL):
        case_id = record_proposal(engine, settings, partner, envelope)
    elif envelope.type == MessageType.WITHDRAWN:
        case_id = record_withdrawal(engine, partner, envelope)
    else:
        case_id = await _apply(engine, client, partner, envelope)
    with Session(engine) as session:
        session.add(ExchangeInbox(
            message_id=envelope.message_id, partner_id=partner.id,
            conversation_id=envelope.conversation_id, sequence=envelope.sequence,
            type=envelope.type, case_id=case_id,
        ))
        try:
            session.commit()
        except IntegrityError:  # the same message, applied meanwhile by a parallel delivery
            return {"status": "duplicate", "message_id": envelope.message_id}
    log.info("exchange message applied", type=str(envelope.type), partner_id=partner.id,
             case_id=case_id)
    return {"status": "applied", "message_id": envelope.message_id}


async def _apply(engine: Engine, client: Client, partner: Partner, envelope: Envelope) -> str:
    """A message about a case this side sent: taken on it as its partner's report."""
    with Session(engine) as session:
        link = find_link(session, partner, envelope, Direction.SENT)
    if link is None:
        raise Refused(422, "unknown_conversation",
                      f"no case handed over to {partner.id} as {envelope.conversation_id}")
    if envelope.type == MessageType.ACCEPTED:
        record_partner_acceptance(engine, link.case_id, partner.id, envelope.message_id)
        return link.case_id
    if envelope.type == MessageType.ANSWERED:
        # The other installation's staff answered the proposal: the partner's answer, as its
        # route takes it (accept ends the wait; decline lets the caseworker choose another).
        # Refused (answered already, another partner chosen meanwhile, departed), it will not
        # become valid later: not retried, the sender marks it failed on its case.
        await _take(engine, client, partner, envelope, link, ANSWER_PARTNER, later=False)
        return link.case_id
    decision = REPORTS.get(envelope.type)
    if decision is None:
        raise Refused(422, "unexpected_type", f"{envelope.type} is not sent to this side")
    # Refused now (e.g. the plan waits for this side's supervisor): sent again later.
    await _take(engine, client, partner, envelope, link, decision, later=True)
    return link.case_id


async def _take(engine: Engine, client: Client, partner: Partner, envelope: Envelope,
                link: ExchangeLink, decision: Decision, *, later: bool) -> None:
    """The message's body taken on the case as its partner's ``decision``; a refusal is
    ``not_now`` (the sender tries again) when it may pass ``later``, else final."""
    assert decision.body is not None
    try:
        fields = decision.body.model_validate(envelope.body).model_dump()
    except ValidationError as err:
        raise Refused(422, "bad_body", problems(err)) from err
    actor = Actor(id=partner.id, role=Role.PARTNER, organisation=partner.id)
    try:
        # The update id is the message id: the workflow takes a message once even if this
        # side stopped after the update and before writing its inbox row.
        await take(client, engine, link.case_id, decision, actor, fields,
                   update_id=envelope.message_id)
    except HTTPException as err:
        if err.status_code >= 500:
            raise Refused(503, "unavailable", str(err.detail)) from err
        if err.status_code == 409 and later:
            raise Refused(409, "not_now", str(err.detail)) from err
        raise Refused(422, "refused", str(err.detail)) from err
