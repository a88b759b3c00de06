"""The retention job anonymises long-closed cases and keeps what reports count."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.retention import RetentionActivities
from core.schedules import RETENTION_SCHEDULE_ID, ensure_schedules
from core.settings import Settings
from models.enums import CaseStatus, ClosureReason, Relationship, Sex, Stage
from models.privacy import ANONYMISED, Anonymisation, RetentionInput
from models.tables import HouseholdMember
from tests.factories import insert_case
from workflows.retention import RetentionWorkflow


def add_member(engine: Engine, case_id: str, name: str) -> str:
    member_id = str(uuid.uuid4())
    with Session(engine) as session:
        session.add(HouseholdMember(
            id=member_id, case_id=case_id, relationship=Relationship.PRINCIPAL,
            given_name=name, family_name="Kvaratskhelia", date_of_birth=date(1984, 7, 19),
            sex=Sex.MALE, nationality="GE", passport_number="PX1234567",
            vulnerabilities=["elderly"],
        ))
        session.commit()
    return member_id


def closed_case(engine: Engine, days_ago: int, status: CaseStatus = CaseStatus.CLOSED) -> str:
    when = datetime.now(UTC) - timedelta(days=days_ago)
    case = insert_case(
        engine, status=status, stage=Stage.CLOSED if status == CaseStatus.CLOSED else Stage.TRAVEL,
        closure_reason=ClosureReason.WITHDRAWN if status == CaseStatus.CLOSED else None,
        created_at=when, updated_at=when,
    )
    return case.id


async def run_retention(
    client: Client, settings: Settings, engine: Engine, days: int, batch: int = 500
) -> list[str]:
    async with Worker(
        client, task_queue=settings.temporal_task_queue, workflows=[RetentionWorkflow],
        activities=[RetentionActivities(engine).anonymise_closed_cases],
        activity_executor=ThreadPoolExecutor(4),
    ):
        result = await client.execute_workflow(
            RetentionWorkflow.run, RetentionInput(retention_days=days, batch_size=batch),
            id=f"retention-{uuid.uuid4()}", task_queue=settings.temporal_task_queue,
        )
    return result.case_ids


async def test_only_cases_closed_past_the_period_are_anonymised(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    old = [closed_case(engine, 400) for _ in range(3)]
    recent = closed_case(engine, 10)
    still_open = closed_case(engine, 900, status=CaseStatus.ACTIVE)
    members = {cid: add_member(engine, cid, "Zurab") for cid in [*old, recent, still_open]}

    done = await run_retention(time_env.client, settings, engine, days=365, batch=2)
    assert sorted(done) == sorted(old)  # two batches: 2 + 1

    with Session(engine) as session:
        for cid in old:
            m = session.get(HouseholdMember, members[cid])
            assert m is not None
            assert (m.given_name, m.family_name, m.passport_number) == (ANONYMISED, ANONYMISED, None)
            # What reports need stays.
            assert (m.date_of_birth, m.sex, m.nationality, m.vulnerabilities) == (
                date(1984, 1, 1), Sex.MALE, "GE", ["elderly"]
            )
        for cid in (recent, still_open):
            m = session.get(HouseholdMember, members[cid])
            assert m is not None and m.given_name == "Zurab" and m.passport_number == "PX1234567"
        marked = session.exec(select(Anonymisation.case_id)).all()
    assert sorted(marked) == sorted(old)

    assert await run_retention(time_env.client, settings, engine, days=365) == []


async def test_the_schedule_is_created_once_and_follows_the_settings(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    await ensure_schedules(dev_env.client, settings)
    changed = settings.model_copy(update={"retention_days": 30, "retention_cron": "30 3 * * *"})
    await ensure_schedules(dev_env.client, changed)
    described = await dev_env.client.get_schedule_handle(RETENTION_SCHEDULE_ID).describe()
    (calendar,) = described.schedule.spec.calendars  # the server stores cron as a calendar
    assert [(r.start, r.end) for r in calendar.hour] == [(3, 3)]
    assert [(r.start, r.end) for r in calendar.minute] == [(30, 30)]
    action = described.schedule.action
    args = await dev_env.client.data_converter.decode(action.args)  # type: ignore[attr-defined]
    assert args[0]["retention_days"] == 30
    await dev_env.client.get_schedule_handle(RETENTION_SCHEDULE_ID).delete()
