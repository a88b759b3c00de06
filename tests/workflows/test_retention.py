"""The retention job anonymises long-closed cases and keeps what reports count."""

from __future__ import annotations

import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.retention import RetentionActivities
from api.document_checks import Attachment, Upload
from api.document_service import add_document, add_version, build_vault
from core.schedules import RETENTION_SCHEDULE_ID, ensure_schedules
from core.settings import Settings
from core.storage import build_store
from models.documents import Document, DocumentKind, DocumentVersion
from models.enums import CaseStatus, ClosureReason, Relationship, Sex, Stage
from models.privacy import ANONYMISED, Anonymisation, RetentionInput
from models.tables import HouseholdMember
from tests.api.test_documents import PDF, configured
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
    store = build_store(settings)
    async with Worker(
        client, task_queue=settings.temporal_task_queue, workflows=[RetentionWorkflow],
        activities=[RetentionActivities(engine, store).anonymise_closed_cases],
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


def with_document(settings: Settings, engine: Engine, case_id: str) -> list[str]:
    """A document of two versions on the case; their storage keys."""
    vault = build_vault(settings)
    with Session(engine, expire_on_commit=False) as session:
        document = add_document(session, vault, case_id, "caseworker",
                                Attachment(DocumentKind.IDENTITY_DOCUMENT),
                                Upload(io.BytesIO(PDF), "passport Zurab.pdf", None), 10**6)
        add_version(session, vault, document, "caseworker",
                    Upload(io.BytesIO(PDF), "passport Zurab 2.pdf", None), 10**6)
        return list(session.exec(
            select(DocumentVersion.storage_key).where(DocumentVersion.case_id == case_id)
        ).all())


@pytest.mark.parametrize("storage", ["local", "s3"])
async def test_anonymisation_deletes_the_documents_from_the_store(
    storage: str, time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
    request: pytest.FixtureRequest,
) -> None:
    s3 = request.getfixturevalue("s3_server") if storage == "s3" else None
    settings = configured(settings, storage, s3)
    old, recent = closed_case(engine, 400), closed_case(engine, 10)
    gone, kept = with_document(settings, engine, old), with_document(settings, engine, recent)
    store = build_store(settings)
    assert len(gone) == 2 and all(b"".join(store.get(key)) for key in gone)

    assert await run_retention(time_env.client, settings, engine, days=365) == [old]
    for key in gone:  # every version's file is gone from the store
        with pytest.raises(Exception) as missing:
            b"".join(store.get(key))
        assert type(missing.value).__name__ in ("FileNotFoundError", "NoSuchKey")
    with Session(engine) as session:
        assert session.exec(select(Document).where(Document.case_id == old)).all() == []
        assert session.exec(
            select(DocumentVersion).where(DocumentVersion.case_id == old)).all() == []
        assert len(session.exec(
            select(DocumentVersion).where(DocumentVersion.case_id == recent)).all()) == 2
    assert all(b"".join(store.get(key)) for key in kept)  # a recent case keeps its own


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
