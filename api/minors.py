"""An unaccompanied minor's handover at arrival: the record (whom the child went to, their
relationship, whether and how identity was checked, the signed handover record) is kept
here; the workflow is told the facts (RECORD_MINOR_HANDOVER, workflows/phases/arrival.py)."""

from __future__ import annotations

import uuid

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from api.case_parts import check_document_of, member_of
from api.decisions import take
from models.consent import MinorHandover
from models.payloads import Actor, CaseState
from models.schemas_consent import MinorHandoverIn
from models.tables import Case
from workflows.phases.arrival import RECORD_MINOR_HANDOVER


def handovers(session: Session, case_id: str) -> list[MinorHandover]:
    return list(session.exec(select(MinorHandover).where(MinorHandover.case_id == case_id)
                             .order_by(col(MinorHandover.recorded_at))).all())


async def record(engine: Engine, client: Client, case: Case, data: MinorHandoverIn,
                 actor: Actor) -> tuple[MinorHandover, CaseState]:
    """Keep the record, then tell the workflow; a refusal (not a minor, recorded already,
    the case not departed) takes the record back."""
    with Session(engine, expire_on_commit=False) as session:
        member_of(session, case.id, data.member_id)
        check_document_of(session, case.id, data.document_id)
        row = MinorHandover(id=str(uuid.uuid4()), case_id=case.id, recorded_by=actor.id,
                            **data.model_dump())
        session.add(row)
        session.commit()
    try:
        state = await take(client, engine, case.id, RECORD_MINOR_HANDOVER, actor,
                           {"handover_id": row.id})
    except BaseException:
        with Session(engine) as session:
            stale = session.get(MinorHandover, row.id)
            if stale is not None:
                session.delete(stale)
                session.commit()
        raise
    return row, state
