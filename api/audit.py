"""The audit trail: every write and every read of a case's personal data, with its outcome."""

from __future__ import annotations

import structlog
from fastapi import Request, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.policy import PERSONAL_DATA_READS, PUBLIC
from models.users import AuditEntry

log = structlog.get_logger(__name__)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def outcome_of(status: int) -> str:
    if status < 400:
        return "success"
    if status in (401, 403, 423):
        return "denied"
    if status == 409:
        return "refused"
    if status < 500:
        return "rejected"
    return "error"


def should_audit(method: str, path: str) -> bool:
    if (method, path) in PERSONAL_DATA_READS:
        return True
    if method in READ_METHODS:
        return False
    return (method, path) not in PUBLIC or path in ("/auth/token", "/ui/login")


def record(engine: Engine, request: Request, response: Response, request_id: str) -> None:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if path is None or not should_audit(request.method, path):
        return
    user = getattr(request.state, "user", None)
    case_id = request.path_params.get("case_id") or getattr(request.state, "audit_case_id", None)
    entry = AuditEntry(
        actor_id=getattr(user, "id", None),
        actor_role=str(user.role) if user is not None else None,
        case_id=case_id,
        action=f"{request.method} {path}",
        request_id=request_id,
        outcome=outcome_of(response.status_code),
        status_code=response.status_code,
    )
    try:
        with Session(engine) as session:
            session.add(entry)
            session.commit()
    except Exception:
        log.exception("audit write failed", action=entry.action)
        raise
