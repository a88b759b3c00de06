"""The API's own CPU for one decision, with Temporal answered in process (what is the API's).

    .venv/bin/python -m bench.profile_decision
    .venv/bin/python -m bench.profile_decision --runs 1000 --profile   # and where it goes

A fresh SQLite database with the demo users and one case; the real app over ASGI, in this
process. The workflow's answer to the decision is a recorded case state
(tests/workflows/histories), decoded as the Temporal client decodes it; no server, no worker.
Prints the CPU median per request of the decision (`POST /cases/{id}/counselling-sessions`),
of a signed-in `GET /auth/me` for comparison, and of two reads every decision makes (the
project's document requirements, the signed-in user); with ``--profile``, cProfile's
functions by cumulative time over the decisions (the thread pool run inline).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import io
import json
import logging
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastapi.dependencies.utils
import fastapi.routing
import httpx
import structlog
from sqlmodel import Session, select
from temporalio.api.common.v1 import Payload

from api.document_requirements import missing_kinds
from api.main import create_app
from api.project_service import ensure_default_project
from api.user_service import DEMO_PASSWORD, DEMO_USERS
from bench.stack import COUNSELLING
from core.converter import build_data_converter
from core.db import build_engine
from core.migrate import upgrade
from core.security import create_access_token, hash_password
from core.settings import Settings
from models.enums import LegalSituation, LocationType, Role
from models.payloads import CaseState
from models.tables import Case, Project
from models.users import User

HISTORY = (Path(__file__).parent.parent / "tests" / "workflows" / "histories"
           / "a_paid_grant_and_a_handover_lead_into_monitoring.json")


class _RecordedAnswer:
    """A workflow handle whose every update answers with a recorded case state."""

    id = "recorded"

    def __init__(self) -> None:
        events = json.loads(HISTORY.read_text())["events"]
        done = next(e for e in events
                    if e["eventType"] == "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED")
        raw = done["workflowExecutionUpdateCompletedEventAttributes"]["outcome"]["success"][
            "payloads"][0]
        self.payload = Payload(
            metadata={k: base64.b64decode(v) for k, v in raw["metadata"].items()},
            data=base64.b64decode(raw["data"]))
        self.converter = build_data_converter()

    async def execute_update(self, update: Any, arg: Any, id: str | None = None) -> CaseState:
        [plain] = await self.converter.payload_codec.decode([self.payload])  # type: ignore[union-attr]
        return self.converter.payload_converter.from_payload(plain, CaseState)  # type: ignore[no-any-return]


class _Temporal:
    def __init__(self) -> None:
        self.handle = _RecordedAnswer()

    def get_workflow_handle(self, workflow_id: str) -> _RecordedAnswer:
        return self.handle


def _cpu_ms(runs: int, call: Callable[[], Any]) -> float:
    spent = []
    for _ in range(runs):
        started = time.process_time()
        call()
        spent.append((time.process_time() - started) * 1000)
    return statistics.median(spent)


async def _acpu_ms(runs: int, call: Callable[[], Any]) -> float:
    spent = []
    for _ in range(runs):
        started = time.process_time()
        await call()
        spent.append((time.process_time() - started) * 1000)
    return statistics.median(spent)


async def _inline(func: Any, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


async def main(runs: int, profile: bool) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    folder = Path(tempfile.mkdtemp(prefix="homeward-decision-"))
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder}/bench.db",  # type: ignore[call-arg]
                        log_level="WARNING", _env_file=None)
    engine = build_engine(settings)
    upgrade(engine)
    ensure_default_project(engine, settings)
    password = hash_password(DEMO_PASSWORD)
    with Session(engine) as session:
        for d in DEMO_USERS:
            session.add(User(id=d.username, username=d.username, full_name=d.full_name,
                             role=d.role, partner_org=d.partner_org, password_hash=password))
        project_id = session.exec(select(Project.id)).first()
        case = Case(id="bench-case", reference="LV-2026-000001", project_id=project_id,
                    country_of_origin="GE", legal_situation=LegalSituation.REJECTED_ASYLUM_SEEKER,
                    location_type=LocationType.RECEPTION_CENTRE)
        session.add(case)
        session.commit()
    app = create_app(settings)
    app.state.engine, app.state.temporal = engine, _Temporal()
    token = create_access_token(settings, "caseworker", Role.CASEWORKER)[0]
    headers = {"Authorization": f"Bearer {token}"}
    url = "/cases/bench-case/counselling-sessions"
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://homeward.test", headers=headers,
    ) as http:
        async def decision() -> None:
            r = await http.post(url, json=COUNSELLING)
            assert r.status_code == 200, r.text[:300]

        async def me() -> None:
            assert (await http.get("/auth/me")).status_code == 200

        for _ in range(20):
            await decision()
        print(f"CPU median per request, {runs} runs (the client's side included):")
        print(f"  decision   {await _acpu_ms(runs, decision):6.2f} ms")
        print(f"  /auth/me   {await _acpu_ms(runs, me):6.2f} ms")

        def documents() -> None:
            with Session(engine) as session:
                missing_kinds(session, "bench-case", "record_counselling")

        def user() -> None:
            with Session(engine, expire_on_commit=False) as session:
                session.get(User, "caseworker")

        print(f"  of which: the document requirements {_cpu_ms(runs, documents):.2f} ms, "
              f"the signed-in user {_cpu_ms(runs, user):.2f} ms")
        if not profile:
            return
        fastapi.routing.run_in_threadpool = _inline  # type: ignore[assignment]
        fastapi.dependencies.utils.run_in_threadpool = _inline  # type: ignore[assignment]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            await decision()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.profile))
