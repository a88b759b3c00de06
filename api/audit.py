"""The audit trail: every write and every read of a case's personal data, with its outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import structlog
from fastapi import Request
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.policy import PERSON_SEARCHES, PERSONAL_DATA_READS, PUBLIC
from core.db import write_transaction
from models.tables import utcnow
from models.users import AuditEntry

log = structlog.get_logger(__name__)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_COLUMNS = AuditEntry.__table__.c  # type: ignore[attr-defined]
CASE_ID_LENGTH: int = _COLUMNS.case_id.type.length
REQUEST_ID_LENGTH: int = _COLUMNS.request_id.type.length


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


def entry_for(request: Request, status: int, request_id: str) -> dict[str, Any] | None:
    """The audit row (an ``audit_entries`` row's values) for this request, or None if the
    request is not audited. Plain values, inserted without the ORM: building and flushing an
    ORM object cost ~0.4 ms of every audited request."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if path is None:
        return None
    searched = ((request.method, path) in PERSON_SEARCHES
                and bool(request.query_params.get("person", "").strip()))
    if not (searched or should_audit(request.method, path)):
        return None
    user = getattr(request.state, "user", None)
    case_id = request.path_params.get("case_id") or getattr(request.state, "audit_case_id", None)
    return {
        "at": utcnow(),
        "actor_id": getattr(user, "id", None),
        "actor_role": str(user.role) if user is not None else None,
        # The caller's path: a 300-character "id" is refused (404), and audited cut to fit.
        "case_id": case_id[:CASE_ID_LENGTH] if case_id else None,
        "action": f"{request.method} {path}" + ("?person" if searched else ""),
        "request_id": request_id,
        "outcome": outcome_of(status),
        "status_code": status,
    }


def write(engine: Engine, entries: list[dict[str, Any]]) -> None:
    """Insert the rows in one transaction."""
    with Session(engine) as session, write_transaction(session):
        session.execute(insert(AuditEntry), entries)
        session.commit()


class AuditWriter:
    """Group commit: a request waits until its row is committed (no response leaves with its
    audit row unwritten), but rows of requests finishing together share one transaction.
    While a batch commits, the next one gathers; on SQLite this is one writer-lock wait for
    twenty concurrent decisions instead of twenty."""

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine
        self._pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def record(self, entry: dict[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._pending.append((entry, done))
        flusher = self._flusher
        # (A test client runs each app in its own event loop: never wait on another's task.)
        if flusher is None or flusher.done() or flusher.get_loop() is not loop:
            self._flusher = asyncio.create_task(self._flush())
        # shield: a request cancelled while waiting still gets its row written.
        await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await run_in_threadpool(write, self._engine(), [e for e, _ in batch])
            except Exception as err:
                log.exception("audit write failed", actions=[e["action"] for e, _ in batch])
                for _, done in batch:
                    if not done.done():
                        done.set_exception(err)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
