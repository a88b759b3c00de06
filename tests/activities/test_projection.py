"""The projection activity: newer state applied, retries and stale writes change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.projection import ProjectionActivities, refresh_due_columns
from models.enums import CaseStatus, ClosureReason, Role, Stage, TimelineKind
from models.enums_work import DeadlineKind, TaskKind
from models.payloads import ProjectCaseInput, TimelineEntryInput
from models.projection import DeadlineInfo, TaskInfo
from models.tables import Case, utc
from models.timeline import TimelineEntry
from tests.factories import insert_case


def projection(case_id: str, stage: Stage, version: int) -> ProjectCaseInput:
    return ProjectCaseInput(
        case_id=case_id,
        stage=stage,
        status=CaseStatus.ACTIVE,
        version=version,
        updated_at=datetime(2026, 3, version, tzinfo=UTC),
    )


def stored(engine: Engine, case_id: str) -> Case:
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def test_newer_version_is_applied_and_a_retry_changes_nothing(engine: Engine) -> None:
    case = insert_case(engine)
    activities = ProjectionActivities(engine)
    env = ActivityEnvironment()

    first = env.run(activities.project_case, projection(case.id, Stage.ELIGIBILITY, 2))
    assert first.applied
    again = env.run(activities.project_case, projection(case.id, Stage.ELIGIBILITY, 2))
    assert not again.applied

    row = stored(engine, case.id)
    assert row.stage == Stage.ELIGIBILITY
    assert row.projected_version == 2
    assert row.updated_at == datetime(2026, 3, 2, tzinfo=UTC)


def test_a_late_older_write_does_not_overwrite_newer_state(engine: Engine) -> None:
    case = insert_case(engine)
    activities = ProjectionActivities(engine)
    env = ActivityEnvironment()
    env.run(activities.project_case, projection(case.id, Stage.CONSENT, 5))
    result = env.run(activities.project_case, projection(case.id, Stage.ELIGIBILITY, 4))
    assert not result.applied
    assert stored(engine, case.id).stage == Stage.CONSENT


def test_unknown_case_is_an_error(engine: Engine) -> None:
    activities = ProjectionActivities(engine)
    with pytest.raises(ApplicationError, match="has no record"):
        ActivityEnvironment().run(
            activities.project_case, projection("no-such-case", Stage.INTAKE, 1)
        )


def test_list_fields_are_projected(engine: Engine) -> None:
    case = insert_case(engine)
    data = projection(case.id, Stage.CLOSED, 3).model_copy(
        update={
            "status": CaseStatus.CLOSED,
            "closure_reason": ClosureReason.WITHDRAWN,
            "departure_date": date(2026, 4, 2),
            "grant_receipt_ref": "RCPT-1",
        }
    )
    assert ActivityEnvironment().run(ProjectionActivities(engine).project_case, data).applied
    row = stored(engine, case.id)
    assert (row.status, row.closure_reason) == (CaseStatus.CLOSED, ClosureReason.WITHDRAWN)
    assert (row.departure_date, row.grant_receipt_ref) == (date(2026, 4, 2), "RCPT-1")


def test_report_dates_are_kept_until_given_and_a_closure_is_dated(engine: Engine) -> None:
    case = insert_case(engine, arrival_date=date(2026, 2, 1))  # e.g. an imported case
    activities = ProjectionActivities(engine)
    env = ActivityEnvironment()
    env.run(activities.project_case, projection(case.id, Stage.DEPARTED, 3))
    row = stored(engine, case.id)
    assert (row.arrival_date, row.reintegration_date, row.closed_date) == (
        date(2026, 2, 1), None, None,
    )
    env.run(activities.project_case, projection(case.id, Stage.REINTEGRATION, 4).model_copy(
        update={"reintegration_date": date(2026, 3, 3)}))
    closing = projection(case.id, Stage.CLOSED, 5).model_copy(
        update={"status": CaseStatus.CLOSED})
    env.run(activities.project_case, closing)
    row = stored(engine, case.id)
    assert (row.arrival_date, row.reintegration_date, row.closed_date) == (
        date(2026, 2, 1), date(2026, 3, 3), date(2026, 3, 5),  # the day of the closing change
    )
    # A later change of the closed case (anonymisation, a note) keeps its closure date.
    env.run(activities.project_case, closing.model_copy(
        update={"version": 9, "updated_at": datetime(2026, 3, 9, tzinfo=UTC)}))
    assert stored(engine, case.id).closed_date == date(2026, 3, 5)


def test_timeline_and_projection_are_written_together_and_a_retry_adds_neither_twice(
    engine: Engine,
) -> None:
    case = insert_case(engine)
    activities = ProjectionActivities(engine)
    env = ActivityEnvironment()
    entries = [
        TimelineEntryInput(
            entry_key=f"{case.id}:{n}", seq=n, at=datetime(2026, 3, 2, tzinfo=UTC),
            kind=TimelineKind.STAGE_CHANGE, summary=f"stage change {n}",
        )
        for n in (1, 2)
    ]
    data = projection(case.id, Stage.ELIGIBILITY, 2).model_copy(update={"timeline": entries})

    assert env.run(activities.record_and_project, data).applied
    assert not env.run(activities.record_and_project, data).applied  # the activity retried

    assert stored(engine, case.id).stage == Stage.ELIGIBILITY
    with Session(engine) as session:
        rows = session.exec(
            select(TimelineEntry).where(TimelineEntry.case_id == case.id)
        ).all()
    assert sorted(r.summary for r in rows) == ["stage change 1", "stage change 2"]


def test_the_stuck_lists_due_columns_are_those_of_the_work_items_written(engine: Engine) -> None:
    """The projection sets them from its own data; refresh_due_columns, reading the rows it
    wrote, finds the same: people's tasks only, the earliest of each, none when none."""
    case = insert_case(engine)
    activities = ProjectionActivities(engine)

    def at(day: int) -> datetime:
        return datetime(2026, 5, day, 9, 30, tzinfo=UTC)

    def task(kind: TaskKind, role: Role, due: datetime | None) -> TaskInfo:
        return TaskInfo(kind=kind, stage=Stage.ELIGIBILITY, role=role, since=at(1), due_at=due,
                        summary=kind.value)

    data = projection(case.id, Stage.ELIGIBILITY, 2).model_copy(update={
        "tasks": [task(TaskKind.COMPLETE_INTAKE, Role.CASEWORKER, at(9)),
                  task(TaskKind.ASSESS_ELIGIBILITY, Role.EMBASSY_LIAISON, at(2)),
                  task(TaskKind.APPROVE_ELIGIBILITY, Role.SUPERVISOR, None),
                  task(TaskKind.RECORD_CONSENT, Role.PARTNER, at(7))],
        "deadlines": [
            DeadlineInfo(kind=DeadlineKind.LEAD_TIME, due_at=at(20), at_risk_from=at(15),
                         detail="lead time"),
            DeadlineInfo(kind=DeadlineKind.EMBASSY_ANSWER, due_at=at(12), detail="embassy"),
        ],
    })
    ActivityEnvironment().run(activities.record_and_project, data)

    def due(row: Case) -> tuple[datetime | None, ...]:  # (SQLite gives them back naive)
        values = (row.first_task_due, row.first_deadline_due, row.first_risk_from)
        return tuple(utc(v) if v is not None else None for v in values)

    projected = due(stored(engine, case.id))
    assert projected == (at(7), at(12), at(15))  # the embassy's task is chased, not queued
    with Session(engine) as session:
        refresh_due_columns(session, [case.id])
        session.commit()
    assert due(stored(engine, case.id)) == projected

    cleared = projection(case.id, Stage.CONSENT, 3)  # nothing waits on anyone any more
    ActivityEnvironment().run(activities.record_and_project, cleared)
    assert due(stored(engine, case.id)) == (None, None, None)
