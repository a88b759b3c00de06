"""The reintegration facts reports count: kept by the projection, backfilled from the live
state for cases decided before it kept them (``homeward report-facts``).

The projection writes a case's plan components and scored visits whenever they change
(models/reintegration_facts.py); a case moved to another project takes its rows along.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from activities.projection import write_reintegration_facts
from api.live import LiveStateUnavailable, read_live_state
from models.reintegration_facts import facts_of
from models.report_data import MonitoringScoreRow, PlanComponentRow
from models.tables import Case


def follow_move(session: Session, case_id: str, project_id: str) -> None:
    """A case moved to another project: its plan and visits count there from now on."""
    for table in (PlanComponentRow, MonitoringScoreRow):
        session.execute(sa.update(table).where(col(table.case_id) == case_id)
                        .values(project_id=project_id))


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
            write_reintegration_facts(session, case_id, facts_of(state))
            session.commit()
        written += 1
    return written, failed
