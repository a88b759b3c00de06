"""An unaccompanied minor's handover at arrival: the record (whom the child went to, their
relationship, whether and how identity was checked, the signed handover record) is kept
here; the workflow is told the facts (RECORD_MINOR_HANDOVER, workflows/phases/arrival.py)."""

from __future__ import annotations

import uuid

from fastapi import HTTPException
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from api.decisions import take
from models.consent import MinorHandover
from models.documents import Document
from models.payloads import Actor, CaseState
from models.schemas_consent import MinorHandoverIn
from models.tables import Case, HouseholdMember
from workflows.phases.arrival import RECORD_MINOR_HANDOVER


def _field_error(name: str, msg: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["body", name], "type": "value_error", "msg": msg}])


def handovers(session: Session, case_id: str) -> list[MinorHandover]:
    return list(session.exec(select(MinorHandover).where(MinorHandover.case_id == case_id)
                             .order_by(col(MinorHandover.recorded_at))).all())


async def record(engine: Engine, client: Client, case: Case, data: MinorHandoverIn,
                 actor: Actor) -> tuple[MinorHandover, CaseState]:
    """Keep the record, then tell the workflow; a refusal (not a minor, recorded already,
    the case not departed) takes the record back."""
    with Session(engine, expire_on_commit=False) as session:
        member = session.get(HouseholdMember, data.member_id)
        if member is None or member.case_id != case.id:
            raise _field_error("member_id", f"no household member {data.member_id} in this case")
        if data.document_id is not None:
            doc = session.get(Document, data.document_id)
            if doc is None or doc.case_id != case.id:
                raise _field_error("document_id", f"no document {data.document_id} in this case")
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
