"""What every request gets: an id, CORS headers for the codec, a latency metric, an audit row
committed before the response leaves, and one log line.

A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` (``@app.middleware("http")``)
runs the route in a second task and streams its response through a memory channel, a cost
every request paid for nothing here."""

from __future__ import annotations

import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import audit
from core.settings import Settings

log = structlog.get_logger(__name__)


class RequestContext:
    def __init__(self, app: ASGIApp, settings: Settings, audit_writer: audit.AuditWriter) -> None:
        self.app = app
        self._settings = settings
        self._audit = audit_writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        # The caller's own id is kept (cut to what the audit trail stores), or one is made.
        sent = request.headers.get("x-request-id", "")[: audit.REQUEST_ID_LENGTH]
        request_id = sent or str(uuid.uuid4())
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        origin = request.headers.get("origin")
        # Refusals too (401/403), so the Temporal UI shows the status, not a CORS error.
        cors = scope["path"].startswith("/codec/") and origin == self._settings.codec_cors_origin
        status: int | None = None

        async def send_with_context(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = request_id
                if cors and origin is not None:
                    headers.setdefault("Access-Control-Allow-Origin", origin)
                    headers.setdefault("Access-Control-Allow-Credentials", "true")
                await self._finished(request, status, request_id, started)
            await send(message)

        try:
            await self.app(scope, receive, send_with_context)
        except Exception:
            if status is None:  # the server answers 500 (outside this middleware)
                status = 500
                await self._finished(request, status, request_id, started)
            raise
        finally:
            log.info(
                "request",
                method=request.method,
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )

    async def _finished(self, request: Request, status: int, request_id: str,
                        started: float) -> None:
        """Before the response's first byte: the metric, and the audit row committed (in the
        thread pool, not on the event loop where a commit waiting for SQLite's write lock
        would stall every other request)."""
        metrics = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            route = request.scope.get("route")
            metrics.latency.labels(
                request.method, getattr(route, "path", "unmatched"), str(status)
            ).observe(time.perf_counter() - started)
        entry = audit.entry_for(request, status, request_id)
        if entry is not None:
            await self._audit.record(entry)
