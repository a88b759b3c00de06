"""Writes the workflow's state into the database, the projection that lists read."""

from __future__ import annotations

import structlog
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from models.payloads import ProjectCaseInput, ProjectCaseResult
from models.tables import Case

log = structlog.get_logger(__name__)


class ProjectionActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name="project_case")
    def project_case(self, data: ProjectCaseInput) -> ProjectCaseResult:
        """Idempotent upsert: applies only a newer version, so a retry changes nothing twice."""
        with Session(self._engine) as session:
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
                )
            )
            session.commit()
            if result.rowcount:
                log.info("case projected", stage=data.stage, version=data.version)
                return ProjectCaseResult(applied=True)
            if session.get(Case, data.case_id) is None:
                raise ApplicationError(
                    f"case {data.case_id} has no record", type="CaseRecordMissing"
                )
            return ProjectCaseResult(applied=False)
