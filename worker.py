"""The Temporal worker: connects with the settings, registers workflows and activities."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import structlog
from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.authorities import AuthorityActivities
from activities.booking import BookingActivities
from activities.clients import ExternalClients, clients_from
from activities.costs import CostActivities
from activities.digest import DigestActivities
from activities.embassy import EmbassyActivities
from activities.exchange import Exchange
from activities.exchange_outbox import resume_deliveries
from activities.notifications import NotificationActivities
from activities.partner_activities import PartnerActivities
from activities.payments import PaymentActivities
from activities.projection import ProjectionActivities
from activities.retention import RetentionActivities
from activities.timeline import TimelineActivities
from core.db import build_engine
from core.interceptors import ActivityContextInterceptor
from core.logging import configure_logging
from core.schedules import ensure_schedules
from core.settings import Settings, get_settings
from core.storage import ObjectStore, build_store
from core.temporal import connect, worker_runtime
from core.workflow_runner import runner_for
from workflows.digest import DigestWorkflow
from workflows.exchange_delivery import ExchangeDeliveryWorkflow
from workflows.retention import RetentionWorkflow
from workflows.return_case import ReturnCaseWorkflow

log = structlog.get_logger(__name__)

EXCHANGE_SWEEP_SECONDS = 300
WORKFLOWS = [ReturnCaseWorkflow, RetentionWorkflow, DigestWorkflow, ExchangeDeliveryWorkflow]


def activities_for(
    engine: Engine, clients: ExternalClients | None = None, *, store: ObjectStore,
    settings: Settings | None = None,
) -> list[object]:
    """The activity callables, wired to their clients (simulators unless given others) and
    to the documents' object store."""
    clients = clients or ExternalClients()
    projection = ProjectionActivities(engine)
    embassy = EmbassyActivities(clients.embassy, engine)
    authorities = AuthorityActivities(clients.authorities)
    booking = BookingActivities(clients.booking, engine)
    payments = PaymentActivities(clients.payments, engine)
    costs = CostActivities(engine)
    notifications = NotificationActivities(clients.notifications, engine)
    retention = RetentionActivities(engine, store)
    timeline = TimelineActivities(engine)
    digest = DigestActivities(engine)
    exchange = Exchange(engine, settings or Settings())
    partners = PartnerActivities(clients.partners, engine, exchange)
    return [
        partners.hand_over,
        exchange.deliver,
        exchange.failed,
        partners.send_pre_arrival,
        partners.propose,
        partners.withdraw,
        partners.check_choice,
        projection.project_case,
        projection.record_and_project,
        timeline.record_timeline,
        retention.anonymise_closed_cases,
        embassy.request_travel_document,
        embassy.withdraw_travel_document_request,
        embassy.chase_travel_document_request,
        embassy.book_document_fee,
        authorities.notify_authority,
        booking.book_travel,
        booking.cancel_booking,
        booking.book_desk_price,
        payments.pay_grant,
        notifications.send_reminder,
        notifications.send_mail,
        digest.prepare_digests,
        costs.book_costs,
        costs.reserve_budget,
    ]


def build_worker(
    client: Client,
    settings: Settings,
    engine: Engine,
    *,
    task_queue: str | None = None,
    executor: ThreadPoolExecutor | None = None,
    clients: ExternalClients | None = None,
    workflow_runner: WorkflowRunner | None = None,
) -> Worker:
    # workflow_runner: the SDK's sandbox unless settings.workflow_sandbox is off; tests that
    # reach outside the workflow on purpose pass UnsandboxedWorkflowRunner(). Either way it
    # skips the per-payload serialization context our converter ignores (core/workflow_runner).
    if workflow_runner is None:
        workflow_runner = (SandboxedWorkflowRunner() if settings.workflow_sandbox
                           else UnsandboxedWorkflowRunner())
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(  # type: ignore[arg-type]
            engine, clients, store=build_store(settings), settings=settings
        ),
        activity_executor=executor or ThreadPoolExecutor(max_workers=16),
        interceptors=[ActivityContextInterceptor(engine)],
        # On SIGTERM in-flight activities get this long to finish; the rest are cancelled
        # and handed back to the server, which retries them on another worker.
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_graceful_shutdown_seconds),
        workflow_runner=runner_for(client.data_converter, workflow_runner),
    )


async def _resume_exchange_deliveries(
    client: Client, settings: Settings, engine: Engine, stop: asyncio.Event
) -> None:
    """Exchange messages queued whose delivery workflow never started (Temporal was
    unreachable in that instant): at start, then every few minutes (docs/exchange.md)."""
    while not stop.is_set():
        try:
            await resume_deliveries(client, settings, engine)
        except Exception as err:  # noqa: BLE001 - the database may be down: next round
            log.warning("exchange deliveries not resumed", error=repr(err))
        try:
            await asyncio.wait_for(stop.wait(), EXCHANGE_SWEEP_SECONDS)
        except TimeoutError:
            pass


async def main() -> None:
    settings = get_settings()
    configure_logging(settings)
    client = await connect(settings, runtime=worker_runtime(settings))
    engine = build_engine(settings)
    worker = build_worker(client, settings, engine, clients=clients_from(settings, engine))
    await ensure_schedules(client, settings)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    log.info(
        "worker starting",
        task_queue=settings.temporal_task_queue,
        metrics_port=settings.worker_metrics_port or None,
    )
    async with worker:
        sweep = asyncio.create_task(_resume_exchange_deliveries(client, settings, engine, stop))
        await stop.wait()
        await sweep
        log.info("worker stopping: finishing in-flight activities")
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
    # Everything is shut down and flushed; leave without interpreter finalization, during
    # which the SDK's native threads can still try to take the GIL and abort the process
    # (seen as "Fatal Python error: PyGILState_Release" with exit code -6).
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0)
