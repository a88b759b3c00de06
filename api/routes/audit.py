"""The audit trail, for auditors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, func, select

from api.deps import SessionDep
from models.schemas_users import AuditEntriesPublic, AuditEntryPublic
from models.users import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditEntriesPublic)
def list_audit(
    session: SessionDep,
    actor_id: str | None = None,
    case_id: str | None = None,
    action: Annotated[str | None, Query(description="e.g. 'POST /cases'")] = None,
    outcome: Annotated[str | None, Query(pattern="^(success|denied|refused|rejected|error)$")] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditEntriesPublic:
    """Audit entries, newest first, filtered by who, which case, what, outcome and when."""
    query = select(AuditEntry)
    filters = []
    if actor_id:
        filters.append(AuditEntry.actor_id == actor_id)
    if case_id:
        filters.append(AuditEntry.case_id == case_id)
    if action:
        filters.append(AuditEntry.action == action)
    if outcome:
        filters.append(AuditEntry.outcome == outcome)
    if since:
        filters.append(col(AuditEntry.at) >= since)
    if until:
        filters.append(col(AuditEntry.at) <= until)
    for f in filters:
        query = query.where(f)
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    ).all()
    return AuditEntriesPublic(
        data=[AuditEntryPublic.model_validate(r, from_attributes=True) for r in rows], count=count
    )
