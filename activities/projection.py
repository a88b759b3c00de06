"""Writes the workflow's state into the database, the projection that lists read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import delete, func, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.timeline import insert_ignoring_duplicates, timeline_rows
from core.db import write_transaction
from models.enums import HUMAN_ROLES, CaseStatus
from models.payloads import ProjectCaseInput, ProjectCaseResult
from models.reintegration_facts import ReintegrationFacts
from models.report_data import MonitoringScoreRow, PlanComponentRow
from models.tables import Case, HouseholdMember, refresh_restriction
from models.tasks import CaseDeadline, CaseTask
from models.timeline import TimelineEntry

log = structlog.get_logger(__name__)


class ProjectionActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_case")
    def project_case(self, data: ProjectCaseInput) -> ProjectCaseResult:
        """Idempotent upsert: applies only a newer version, so a retry changes nothing twice.

        The case's tasks and deadlines are replaced in the same transaction, under the same
        version guard: an older projection arriving late never brings back a closed task.
        """
        with Session(self._engine) as session, write_transaction(session):
            return self._project(session, data)

    @activity.defn(name="record_and_project")
    def record_and_project(self, data: ProjectCaseInput) -> ProjectCaseResult:
        """The timeline entries queued since the last write and the projection, in one
        transaction: one activity (and one database commit) per decision instead of two.
        Entries are inserted whether or not the projection is newer (a retry adds none twice).
        """
        with Session(self._engine) as session, write_transaction(session):
            if data.timeline:
                added = insert_ignoring_duplicates(
                    session.connection(), TimelineEntry,
                    timeline_rows(data.case_id, data.timeline), ["entry_key"],
                )
                log.info("timeline recorded", entries=len(data.timeline), added=added)
            return self._project(session, data)

    @staticmethod
    def _project(session: Session, data: ProjectCaseInput) -> ProjectCaseResult:
        # A date once recorded stays unless the workflow gives another one (an imported
        # case's arrival date is not in its workflow state); a reopened case is not closed.
        dates: dict[str, Any] = {
            k: v for k, v in (("arrival_date", data.arrival_date),
                              ("reintegration_date", data.reintegration_date))
            if v is not None
        }
        if data.status == CaseStatus.CLOSED:
            if data.closed_date is not None:
                dates["closed_date"] = data.closed_date
            else:
                dates["closed_date"] = func.coalesce(Case.closed_date, data.updated_at.date())
        else:
            dates["closed_date"] = None
        result = session.exec(  # type: ignore[call-overload]
            update(Case)
            .where(Case.id == data.case_id)  # type: ignore[arg-type]
            .where(Case.projected_version < data.version)  # type: ignore[arg-type]
            .values(
                stage=data.stage,
                status=data.status,
                updated_at=data.updated_at,
                projected_version=data.version,
                closure_reason=data.closure_reason,
                departure_date=data.departure_date,
                grant_receipt_ref=data.grant_receipt_ref,
                awaiting=data.awaiting,
                awaiting_caseworker=data.awaiting_caseworker,
                partner_id=data.partner_id,
                **dates,
                **due_columns(data),
                assignee_id=data.assignee_id,
            )
        )
        if result.rowcount:
            replace_work_items(session, data)
            write_vulnerabilities(session, data)
            if data.report_facts is not None:
                write_reintegration_facts(session, data.case_id, data.report_facts)
        session.commit()
        if result.rowcount:
            log.info("case projected", stage=data.stage, version=data.version)
            return ProjectCaseResult(applied=True)
        if session.get(Case, data.case_id) is None:
            raise ApplicationError(
                f"case {data.case_id} has no record", type="CaseRecordMissing"
            )
        return ProjectCaseResult(applied=False)


def write_vulnerabilities(session: Session, data: ProjectCaseInput) -> None:
    """After a later finding, each travelling member's flags as the workflow holds them (read
    by reports and the case list's vulnerability filter). Under the version guard, so an
    older projection arriving late never brings back a withdrawn flag."""
    if not data.household_vulnerabilities:
        return
    for member_id, flags in data.household_vulnerabilities.items():
        session.exec(  # type: ignore[call-overload]
            update(HouseholdMember)
            .where(col(HouseholdMember.id) == member_id)
            .where(col(HouseholdMember.case_id) == data.case_id)
            .values(vulnerabilities=flags)
        )
    # A trafficking victim found later restricts the case as one known at intake does.
    refresh_restriction(session.connection(), data.case_id)


def write_reintegration_facts(session: Session, case_id: str, facts: ReintegrationFacts) -> None:
    """The case's plan components and scored visits for reports become exactly ``facts``
    (in the caller's transaction), under the case's project as the database has it."""
    project_id = session.exec(select(Case.project_id).where(Case.id == case_id)).first()
    if project_id is None:
        return
    for table in (PlanComponentRow, MonitoringScoreRow):
        session.exec(delete(table).where(col(table.case_id) == case_id))  # type: ignore[call-overload]
    session.add_all([
        *(PlanComponentRow(case_id=case_id, project_id=project_id, **p.model_dump())
          for p in facts.plan),
        *(MonitoringScoreRow(case_id=case_id, project_id=project_id, **v.model_dump())
          for v in facts.scores),
    ])


def replace_work_items(session: Session, data: ProjectCaseInput) -> None:
    """The case's rows in case_tasks and case_deadlines become exactly the projected ones."""
    for table in (CaseTask, CaseDeadline):
        session.exec(delete(table).where(table.case_id == data.case_id))  # type: ignore[call-overload,arg-type]
    if data.tasks:
        session.exec(  # type: ignore[call-overload]
            insert(CaseTask),
            params=[{"case_id": data.case_id, "assignee_id": data.assignee_id, **t.model_dump()}
                    for t in data.tasks],
        )
    if data.deadlines:
        session.exec(  # type: ignore[call-overload]
            insert(CaseDeadline),
            params=[{"case_id": data.case_id, **d.model_dump()} for d in data.deadlines],
        )


def due_columns(data: ProjectCaseInput) -> dict[str, datetime | None]:
    """The case row's first_task_due / first_deadline_due / first_risk_from, from the tasks
    and deadlines the projection writes with it: what refresh_due_columns would read back
    from those rows, without a statement of its own (a third of the projection's CPU)."""
    def first(values: Iterable[datetime | None]) -> datetime | None:
        return min((v for v in values if v is not None), default=None)

    return {
        "first_task_due": first(t.due_at for t in data.tasks if t.role in HUMAN_ROLES),
        "first_deadline_due": first(d.due_at for d in data.deadlines),
        "first_risk_from": first(d.at_risk_from for d in data.deadlines),
    }


def refresh_due_columns(session: Session, case_ids: list[str] | None = None) -> None:
    """Set the cases' first_task_due / first_deadline_due / first_risk_from from their
    case_tasks and case_deadlines rows (all cases when ``case_ids`` is None): the stuck list's
    ranking reads these. Whoever writes those rows other than the projection (which sets
    them from its own data: due_columns) calls this in the same transaction."""
    task_due = (
        select(func.min(CaseTask.due_at))
        .where(col(CaseTask.case_id) == Case.id)
        .where(col(CaseTask.role).in_(list(HUMAN_ROLES)))
        .scalar_subquery()
    )

    def of_deadlines(column: Any) -> Any:
        return (
            select(func.min(column))
            .where(col(CaseDeadline.case_id) == Case.id)
            .scalar_subquery()
        )

    stmt = update(Case).values(
        first_task_due=task_due,
        first_deadline_due=of_deadlines(CaseDeadline.due_at),
        first_risk_from=of_deadlines(CaseDeadline.at_risk_from),
    )
    if case_ids is not None:
        stmt = stmt.where(col(Case.id).in_(case_ids))
    session.exec(stmt)  # type: ignore[call-overload]
