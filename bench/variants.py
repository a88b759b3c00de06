"""API variants for finding where the time goes (experiments, not for production).

    .venv/bin/python -m bench.bench_decisions --quick --api-app bench.variants:no_audit

`no_audit` is the real app with the audit trail's synchronous write turned off, to measure
what that write costs per request; nothing else changes.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from api import audit
from api.main import app_factory


def no_audit() -> FastAPI:
    def skip(*_: Any, **__: Any) -> None:
        return None

    audit.entry_for = skip  # type: ignore[assignment]  # the middleware looks it up per request
    return app_factory()
