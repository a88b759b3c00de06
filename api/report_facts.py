"""The reintegration facts a report counts, copied out of a case's workflow state.

The plan and the monitoring visits live in the workflow's state; a report over a year of
cases cannot ask every workflow. After each decision the API takes on a case it has the
state the workflow returned, and writes the case's plan components (with their level) and
its scored visits here, replacing what was there (so a repeated write changes nothing).
Written after the workflow accepted the decision: an API stopped in between leaves the rows
as they were until the case's next decision.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select
from temporalio.client import Client

from api.live import LiveStateUnavailable, read_live_state
from models.enums import PlanStatus
from models.payloads import CaseState
from models.report_data import MonitoringScoreRow, PlanComponentRow
from models.tables import Case

log = structlog.get_logger(__name__)

# The decisions after which the plan or the visits can have changed.
AFTERCARE_UPDATES = frozenset({
    "propose_plan", "decide_plan", "report_delivery", "report_monitoring",
    "add_monitoring_visit", "end_monitoring",
})


def months_between(first: date, later: date) -> int:
    """Whole months from one day to a later one, to the nearest month."""
    return round((later - first).days / (365.25 / 12))


def visit_months(state: CaseState, number: int, due_on: date, extra: bool) -> int | None:
    """The months after arrival a visit stands for: the policy's planned months for the
    planned visits, the distance from the arrival for an extra one."""
    planned = state.policy.aftercare.monitoring_months
    if not extra and number <= len(planned):
        return planned[number - 1]
    arrived = state.arrival.confirmed_on
    return months_between(arrived, due_on) if arrived else None


def plan_rows(state: CaseState, project_id: str) -> list[PlanComponentRow]:
    plan = state.plan
    if plan is None:
        return []
    approved = plan.status == PlanStatus.APPROVED
    return [
        PlanComponentRow(
            case_id=state.case_id, project_id=project_id, component_id=c.component_id,
            kind=c.kind,
            dimension=c.dimension, level=c.level, other_beneficiaries=c.other_beneficiaries,
            budget=c.budget, approved=approved, delivered_on=c.delivered_on,
            actual_cost=c.actual_cost,
        )
        for c in plan.components
    ]


def score_rows(state: CaseState, project_id: str) -> list[MonitoringScoreRow]:
    return [
        MonitoringScoreRow(
            case_id=state.case_id, project_id=project_id, number=v.number, due_on=v.due_on,
            reported_on=v.reported_on,
            months_after_arrival=visit_months(state, v.number, v.due_on, bool(v.extra_reason)),
            economic=v.score.economic, social=v.score.social,
            psychosocial=v.score.psychosocial, overall=v.score.overall,
        )
        for v in state.monitoring.visits
        if v.score is not None and v.reported_on is not None
    ]


def write_facts(session: Session, state: CaseState) -> None:
    """Replace the case's rows with those of ``state`` (in the caller's transaction), under
    the case's project as the database has it."""
    case = session.get(Case, state.case_id)
    if case is None:
        return
    for table in (PlanComponentRow, MonitoringScoreRow):
        session.execute(sa.delete(table).where(col(table.case_id) == state.case_id))
    session.add_all([*plan_rows(state, case.project_id), *score_rows(state, case.project_id)])


def follow_move(session: Session, case_id: str, project_id: str) -> None:
    """A case moved to another project: its plan and visits count there from now on."""
    for table in (PlanComponentRow, MonitoringScoreRow):
        session.execute(sa.update(table).where(col(table.case_id) == case_id)
                        .values(project_id=project_id))


def record_facts(engine: Engine, state: CaseState) -> None:
    """After a decision that could have changed them (``AFTERCARE_UPDATES``): the case's rows.
    A failure is logged, not raised: the decision is taken; the rows follow at the next one
    (or a ``homeward report-facts`` run)."""
    try:
        with Session(engine) as session:
            write_facts(session, state)
            session.commit()
    except SQLAlchemyError as err:
        log.warning("report facts not written", case_id=state.case_id, error=str(err))


async def backfill(client: Client, engine: Engine) -> tuple[int, int]:
    """Write the rows of every case that reached reintegration, from its workflow's state:
    for cases decided before the rows existed. Returns (cases written, cases unreadable)."""
    with Session(engine) as session:
        ids = session.exec(select(Case.id).where(col(Case.arrival_date).is_not(None))
                           .order_by(col(Case.id))).all()
    written = failed = 0
    for case_id in ids:
        try:
            state = await read_live_state(client, case_id)
        except LiveStateUnavailable:
            failed += 1
            continue
        with Session(engine) as session:
            write_facts(session, state)
            session.commit()
        written += 1
    return written, failed
