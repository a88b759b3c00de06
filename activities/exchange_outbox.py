"""The exchange's outbox (docs/exchange.md): a message queued in the caller's transaction with
its conversation's next sequence number, its delivery workflow started (once), and the sweep
that starts again the deliveries of queued messages whose workflow never started."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError

from activities.partners import sign
from core.settings import Settings
from models.exchange import Envelope, ExchangeLink, ExchangeOutbox, MessageType, version_of
from workflows.exchange_delivery import DeliveryInput, ExchangeDeliveryWorkflow, delivery_id

log = structlog.get_logger(__name__)


def message_id_for(*parts: str) -> str:
    """A message id derived from what the message is about: writing it again is a no-op."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "homeward-exchange:" + ":".join(parts)))


def signed_headers(secret: str, sender: str, message_id: str, body: bytes,
                   timestamp: str | None = None) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "Idempotency-Key": message_id,
        "X-Homeward-Sender": sender,
        "X-Homeward-Timestamp": timestamp,
        "X-Homeward-Signature": sign(secret, timestamp, body),
    }


def enqueue(session: Session, settings: Settings, link: ExchangeLink, type_: MessageType,
            body: dict[str, Any], message_id: str | None = None) -> str | None:
    """Add a message of the link's conversation to the outbox (in the caller's transaction,
    with the next sequence number); a message id already there adds nothing (returns None)."""
    message_id = message_id or str(uuid.uuid4())
    if session.get(ExchangeOutbox, message_id) is not None:
        return None
    envelope = Envelope(
        exchange_version=version_of(type_), message_id=message_id, type=type_, sender=settings.exchange_name,
        conversation_id=link.conversation_id, sequence=link.next_sequence,
        sent_at=datetime.now(UTC), body=body,
    )
    link.next_sequence += 1
    session.add(link)
    session.add(ExchangeOutbox(
        message_id=message_id, partner_id=link.partner_id, case_id=link.case_id, type=type_,
        envelope=envelope.model_dump(mode="json"),
    ))
    return message_id


async def start_delivery(client: Client, settings: Settings, message_id: str,
                         task_queue: str | None = None) -> None:
    """Start the message's delivery workflow; started already, it is left alone."""
    await client.start_workflow(
        ExchangeDeliveryWorkflow.run,
        DeliveryInput(
            message_id=message_id,
            retry_initial_seconds=settings.exchange_retry_initial_seconds,
            retry_max_seconds=settings.exchange_retry_max_seconds,
            give_up_after_seconds=settings.exchange_give_up_days * 86400,
        ),
        id=delivery_id(message_id),
        task_queue=task_queue or settings.temporal_task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def resume_deliveries(client: Client, settings: Settings, engine: Engine) -> int:
    """Start the delivery of every message neither delivered nor failed whose delivery
    workflow is not running (one running already is left alone); returns how many."""
    started = 0
    for message_id in await asyncio.to_thread(undelivered, engine):
        try:
            await start_delivery(client, settings, message_id)
            started += 1
        except RPCError as err:
            log.warning("exchange delivery not started", message_id=message_id, error=str(err))
    return started


def undelivered(engine: Engine) -> list[str]:
    """Messages neither delivered nor failed (their delivery workflows are started again)."""
    with Session(engine) as session:
        return list(session.exec(
            select(ExchangeOutbox.message_id)
            .where(col(ExchangeOutbox.delivered_at).is_(None))
            .where(col(ExchangeOutbox.failed).is_(False))
        ).all())
