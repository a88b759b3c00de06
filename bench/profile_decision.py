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
import cProfile
import inspect
import io
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import fastapi.dependencies.utils
import fastapi.routing
import httpx
from sqlmodel import Session

from api.document_requirements import missing_kinds
from api.main import create_app
from bench.scratch import CASE_ID, recorded_payloads, scratch_office
from bench.stack import COUNSELLING
from core.converter import build_data_converter, build_payload_codec
from core.security import create_access_token
from models.enums import Role
from models.payloads import CaseState
from models.users import User


def _update_result(event: dict[str, Any]) -> dict[str, Any] | None:
    attrs = event.get("workflowExecutionUpdateCompletedEventAttributes")
    return attrs["outcome"]["success"]["payloads"][0] if attrs else None


class _RecordedAnswer:
    """A workflow handle whose every update answers with a recorded case state, decrypted
    and read as the Temporal client does."""

    id = "recorded"

    def __init__(self) -> None:
        self.payload = recorded_payloads(_update_result)[0]
        self.codec = build_payload_codec()
        self.converter = build_data_converter().payload_converter

    async def execute_update(self, update: Any, arg: Any, id: str | None = None) -> CaseState:
        return self.converter.from_payload(  # type: ignore[no-any-return]
            self.codec.decrypt(self.payload), CaseState)


class _Temporal:
    def __init__(self) -> None:
        self.handle = _RecordedAnswer()

    def get_workflow_handle(self, workflow_id: str) -> _RecordedAnswer:
        return self.handle


async def _cpu_ms(runs: int, call: Callable[[], Any]) -> float:
    """The median CPU milliseconds of ``call`` (awaited if it is a coroutine function)."""
    spent = []
    for _ in range(runs):
        started = time.process_time()
        result = call()
        if inspect.isawaitable(result):
            await result
        spent.append((time.process_time() - started) * 1000)
    return statistics.median(spent)


async def _inline(func: Any, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


async def main(runs: int, profile: bool) -> None:
    settings, engine = scratch_office(users=True)
    app = create_app(settings)
    app.state.engine, app.state.temporal = engine, _Temporal()
    token = create_access_token(settings, "caseworker", Role.CASEWORKER)[0]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/cases/{CASE_ID}/counselling-sessions"
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
        print(f"  decision   {await _cpu_ms(runs, decision):6.2f} ms")
        print(f"  /auth/me   {await _cpu_ms(runs, me):6.2f} ms")

        def documents() -> None:
            with Session(engine) as session:
                missing_kinds(session, CASE_ID, "record_counselling")

        def user() -> None:
            with Session(engine, expire_on_commit=False) as session:
                session.get(User, "caseworker")

        print(f"  of which: the document requirements {await _cpu_ms(runs, documents):.2f} ms, "
              f"the signed-in user {await _cpu_ms(runs, user):.2f} ms")
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
