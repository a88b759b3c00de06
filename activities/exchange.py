"""The sending half of the exchange between Homeward installations (docs/exchange.md).

A message is written to the outbox (``exchange_outbox``) and delivered by its own Temporal
workflow (``workflows/exchange_delivery.py``), which retries it with backoff for days: the
other installation being down loses nothing, and delivering it twice changes nothing there
(its inbox is keyed by the message id). Messages are signed like the partner webhook
(``activities/partners.sign``: HMAC-SHA256 of ``"<timestamp>.<body>"``).

Used by the handover to a partner of kind ``homeward`` (``Exchange.hand_over``, from the
``hand_over_to_partner`` activity), before departure by the proposal and the pre-arrival
package (``Exchange.propose``/``send_pre_arrival``, from ``propose_case_to_partner`` and
``send_pre_arrival_package``) and the proposal's withdrawal (``Exchange.withdraw``, from
``withdraw_case_from_partner``), by the receiving side's decisions (``report_decision``,
from ``api/decisions.take``) and by the receiving side's inbox (the acceptance).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import structlog
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from activities.exchange_outbox import enqueue, message_id_for, signed_headers, start_delivery
from activities.partners import PARTNER_REJECTED
from activities.simulation import ServiceUnavailable
from activities.timeline import insert_ignoring_duplicates
from core.settings import Settings
from models.enums import TimelineKind
from models.exchange import (
    Direction,
    ExchangeLink,
    ExchangeOutbox,
    MessageType,
    PartnerKind,
)
from models.external import PartnerPackage
from models.partners import Partner
from models.payloads import CaseState
from models.timeline import TimelineEntry
from workflows.exchange_delivery import (
    EXCHANGE_REFUSED,
)

log = structlog.get_logger(__name__)
T = TypeVar("T")

# The messages whose body is the case's package (names, needs): dropped once delivered.
CARRIES_PACKAGE = frozenset({MessageType.HANDOVER, MessageType.PROPOSED, MessageType.PRE_ARRIVAL})

# Answers after which a message is sent again (the receiver is down, busy, or cannot take it
# yet: an earlier message is missing, or its case waits for its own staff first).
RETRIED_STATUSES = frozenset({408, 409, 425, 429})


def record_exchange_event(engine: Engine, case_id: str, key: str, partner_id: str,
                          summary: str, **details: Any) -> None:
    """A timeline entry on a case for something the other installation told (once per key)."""
    with Session(engine) as session:
        last = session.exec(
            select(func.max(TimelineEntry.seq)).where(TimelineEntry.case_id == case_id)
        ).one()
    insert_ignoring_duplicates(engine, TimelineEntry, [{
        "case_id": case_id, "seq": last or 0, "entry_key": f"{case_id}:x:{uuid.uuid5(uuid.NAMESPACE_URL, key).hex}",
        "at": datetime.now(UTC), "kind": TimelineKind.EXTERNAL_CALL,
        "actor_id": partner_id, "actor_role": "partner", "summary": summary[:300],
        "details": details,
    }], ["entry_key"])


def record_partner_acceptance(engine: Engine, case_id: str, partner_id: str,
                              message_id: str) -> None:
    """The partner (another installation) opened its case for the handover: a timeline entry
    on the sending case. (Its answer before departure, ``proposal.answered``, is the partner's
    accept/decline decision itself: api/exchange_inbox.py.)"""
    record_exchange_event(
        engine, case_id, message_id, partner_id,
        f"partner {partner_id} accepted the case (its installation opened its own case)",
        message_id=message_id,
    )


def link_to(session: Session, case_id: str, partner_id: str) -> ExchangeLink:
    """The case's conversation with ``partner_id`` (the case's id is the conversation's).
    Switched to another partner, it goes on from the last message that partner was sent
    about the case (none: from 1): proposed to B, then C, then B again, B receives 3 after 1
    and 2, not a second 1, which its inbox holds already."""
    link = session.get(ExchangeLink, case_id) or ExchangeLink(
        case_id=case_id, partner_id=partner_id, conversation_id=case_id,
        direction=Direction.SENT,
    )
    if link.partner_id != partner_id:
        sent = session.exec(
            select(func.count()).select_from(ExchangeOutbox)
            .where(ExchangeOutbox.case_id == case_id)
            .where(ExchangeOutbox.partner_id == partner_id)
        ).one()
        link.partner_id, link.next_sequence = partner_id, sent + 1
    return link


class Exchange:
    """The exchange's activities and the handover to a partner of kind ``homeward``."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings

    async def hand_over(self, partner_id: str, package: PartnerPackage, key: str) -> str:
        """Queue the handover to another installation and start its delivery; returns the
        message id as the partner's reference. Sent only with the partner-sharing consent,
        read from the case's own workflow at the moment of sending."""
        return await self.send(MessageType.HANDOVER, partner_id, package, key)

    async def propose(self, partner_id: str, package: PartnerPackage, key: str) -> str:
        """``case.proposed`` (version 2): the partner was chosen, before departure."""
        return await self.send(MessageType.PROPOSED, partner_id, package, key)

    async def send_pre_arrival(self, partner_id: str, package: PartnerPackage, key: str) -> str:
        """``case.pre_arrival`` (version 2): the travel, first and again on every change."""
        return await self.send(MessageType.PRE_ARRIVAL, partner_id, package, key)

    async def withdraw(self, partner_id: str, case_id: str, reason: str, key: str) -> str | None:
        """``case.withdrawn`` (version 2): the proposal sent to ``partner_id`` no longer
        stands. Only to the installation this case's conversation is with (a sent link for
        the case and partner: it was sent the proposal); None when there is none. The body
        is the reason code: no personal data, so no consent is read."""
        message_id = message_id_for(self._settings.exchange_name, key)
        with Session(self._engine) as session:
            link = session.get(ExchangeLink, case_id)
            if link is None or link.direction != Direction.SENT or link.partner_id != partner_id:
                return None
            self._queue_once(session, link, MessageType.WITHDRAWN, {"reason": reason},
                             message_id)
        return await self._started(message_id)

    async def send(self, type_: MessageType, partner_id: str, package: PartnerPackage,
                   key: str) -> str:
        """Queue a message carrying the case's package (handover, proposal, pre-arrival)
        with the consent it was sent under, and start its delivery; the message id (derived
        from ``key``: a retried activity queues nothing twice) is the partner's reference."""
        state: CaseState = await activity.client().get_workflow_handle(
            f"case-{package.case_id}"
        ).query("state", result_type=CaseState)
        consent = state.consent
        if consent is None or not consent.share_with_partner:
            raise ApplicationError(
                "the returnee gave no consent to share with a partner: nothing is sent",
                type=PARTNER_REJECTED, non_retryable=True,
            )
        message_id = message_id_for(self._settings.exchange_name, key)
        with Session(self._engine) as session:
            link = link_to(session, package.case_id, partner_id)
            link.consent = {"share_with_partner": True,
                            "declaration_signed_on": consent.declaration_signed_on.isoformat()}
            body = {"package": package.model_dump(mode="json"), "consent": link.consent}
            self._queue_once(session, link, type_, body, message_id)
        return await self._started(message_id)

    def _queue_once(self, session: Session, link: ExchangeLink, type_: MessageType,
                    body: dict[str, Any], message_id: str) -> None:
        """The message in the outbox, committed; a retried attempt finds it there."""
        enqueue(session, self._settings, link, type_, body, message_id)
        try:
            session.commit()
        except IntegrityError:  # queued meanwhile by a retried attempt
            session.rollback()

    async def _started(self, message_id: str) -> str:
        """Its delivery started (again harmlessly); the partner's reference for the case."""
        await start_delivery(activity.client(), self._settings, message_id,
                             activity.info().task_queue)
        return f"exchange:{message_id}"

    @activity.defn(name="deliver_exchange_message")
    async def deliver(self, message_id: str) -> str:
        """Post the message, signed afresh; 2xx is delivered, a refusal is final (not retried),
        anything else is tried again by the delivery workflow's retry policy."""
        with Session(self._engine) as session:
            row = session.get(ExchangeOutbox, message_id)
            if row is None:
                raise ApplicationError(f"message {message_id} not in the outbox",
                                       type=EXCHANGE_REFUSED, non_retryable=True)
            if row.delivered_at is not None:
                return "delivered"
            partner = session.get(Partner, row.partner_id)
            if (partner is None or partner.kind != PartnerKind.HOMEWARD
                    or not partner.webhook_url or not partner.webhook_secret):
                raise ApplicationError(
                    f"partner {row.partner_id} is no Homeward installation with a URL and secret",
                    type=EXCHANGE_REFUSED, non_retryable=True)
            row.attempts += 1
            session.add(row)
            session.commit()
            url, secret, envelope = partner.webhook_url, partner.webhook_secret, row.envelope
        body = json.dumps(envelope, separators=(",", ":")).encode()
        headers = signed_headers(secret, self._settings.exchange_name, message_id, body)
        try:
            async with httpx.AsyncClient(timeout=30) as http:
                response = await http.post(url, content=body, headers=headers)
        except httpx.HTTPError as err:
            self._note(message_id, f"unreachable: {err!r}")
            raise ServiceUnavailable(f"partner {row.partner_id} unreachable: {err!r}") from err
        if response.is_success:
            def delivered(row: ExchangeOutbox) -> None:
                row.delivered_at, row.last_error = datetime.now(UTC), None
                if row.type in CARRIES_PACKAGE:
                    # The household's names were for the other side: this one keeps the ids.
                    row.envelope = {**row.envelope, "body": {}}
            self._update(message_id, delivered)
            log.info("exchange message delivered", message_id=message_id,
                     type=str(envelope["type"]), answer=response.json().get("status"))
            return str(response.json().get("status", "delivered"))
        answer = f"{response.status_code} {response.text[:300]}"
        self._note(message_id, answer)
        if response.status_code >= 500 or response.status_code in RETRIED_STATUSES:
            raise ServiceUnavailable(f"partner {row.partner_id} answered {answer}")
        raise ApplicationError(f"partner {row.partner_id} refused the message: {answer}",
                               type=EXCHANGE_REFUSED, non_retryable=True)

    @activity.defn(name="exchange_message_failed")
    def failed(self, message_id: str, reason: str) -> None:
        """Given up or refused: marked failed, and told on the case's timeline."""
        def mark(row: ExchangeOutbox) -> tuple[str, str, MessageType]:
            row.failed, row.last_error = True, reason[:500]
            return row.case_id, row.partner_id, row.type
        found = self._update(message_id, mark)
        if found is None:
            return
        case_id, partner_id, type_ = found
        record_exchange_event(
            self._engine, case_id, f"failed:{message_id}", partner_id,
            f"message {type_} to {partner_id} could not be delivered: {reason}"[:300],
            message_id=message_id,
        )

    def _note(self, message_id: str, error: str) -> None:
        self._update(message_id, lambda row: setattr(row, "last_error", error[:500]))

    def _update(self, message_id: str, change: Callable[[ExchangeOutbox], T]) -> T | None:
        """Change the message's outbox row in a transaction of its own; what ``change``
        returns, or None when the message is not in the outbox."""
        with Session(self._engine) as session:
            row = session.get(ExchangeOutbox, message_id)
            if row is None:
                return None
            result = change(row)
            session.add(row)
            session.commit()
            return result


async def report_decision(client: Client, engine: Engine, settings: Settings, case_id: str,
                          type_: MessageType, body: dict[str, Any]) -> None:
    """On a case received from another installation, tell it what this side's staff just
    decided (arrival, assistance, plan, delivery, monitoring visit)."""
    with Session(engine) as session:
        link = session.get(ExchangeLink, case_id)
        if link is None or link.direction != Direction.RECEIVED:
            return
        message_id = enqueue(session, settings, link, type_, body)
        session.commit()
    if message_id is None:
        return
    try:
        await start_delivery(client, settings, message_id)
    except RPCError as err:
        # The decision is taken and the message queued: the workers' sweep starts it.
        log.warning("exchange delivery not started", message_id=message_id, error=str(err))
