"""Temporal Schedules the system keeps: the daily retention job and the caseworkers' digest."""

from __future__ import annotations

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from core.settings import Settings
from models.digest import DigestInput
from models.privacy import RetentionInput
from workflows.digest import DigestWorkflow
from workflows.retention import RetentionWorkflow

RETENTION_SCHEDULE_ID = "homeward-retention"
DIGEST_SCHEDULE_ID = "homeward-digest"


def retention_schedule(settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            RetentionWorkflow.run,
            RetentionInput(retention_days=settings.retention_days),
            id="homeward-retention-run",
            task_queue=settings.temporal_task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=[settings.retention_cron]),
    )


def digest_schedule(settings: Settings) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            DigestWorkflow.run,
            DigestInput(),
            id="homeward-digest-run",
            task_queue=settings.temporal_task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=[settings.digest_cron]),
    )


async def ensure_schedules(client: Client, settings: Settings) -> None:
    """Create the schedules, or bring existing ones in line with the settings."""
    for schedule_id, schedule in (
        (RETENTION_SCHEDULE_ID, retention_schedule(settings)),
        (DIGEST_SCHEDULE_ID, digest_schedule(settings)),
    ):
        await _ensure(client, schedule_id, schedule)


async def _ensure(client: Client, schedule_id: str, schedule: Schedule) -> None:
    try:
        await client.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:
        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(schedule_id).update(replace)
