"""Latency of the stuck list and the task list with many open cases (default 10,000).

    .venv/bin/python -m bench.bench_lists                 # 10,000 cases, 50 rounds per list
    .venv/bin/python -m bench.bench_lists --cases 2000 --rounds 20
    .venv/bin/python -m bench.bench_lists --cases 100000 --tables   # rows, no workflows
    .venv/bin/python -m bench.bench_lists --database-url postgresql+psycopg://...  # an empty DB

A local dev server (in memory, the case search attributes registered), an in-process worker and
the API app in process (httpx over ASGI, no network). The population is bench/lists.py's: of
every ten cases one missed deadline, one at risk, one overdue intake. Prints p50/p95 of
`GET /supervision/stuck` (first 100 and first 500 of the list), the stuck list filtered by
country, `GET /tasks?assignee=me` (a caseworker's first page), `GET /tasks/counts`, and the case
list (`GET /cases`, first page, and filtered by stage: every case matches).

With `--tables` the workflows are not run: the cases and the task and deadline rows their
workflows would project (computed by the workflow's own rules) are inserted directly, so that
the lists can be measured at 100,000 cases in minutes; the lists read only those tables (and
Temporal, which then reports no failing workflow).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import httpx
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner

from api.main import create_app
from api.project_service import ensure_default_project
from bench.lists import check_lists, populate, project_directly, timed
from bench.scratch import add_demo_users
from bench.stack import percentiles
from core.cli import venv_binary
from core.converter import build_data_converter
from core.db import build_engine
from core.migrate import upgrade
from core.search_attributes import CASE_SEARCH_ATTRIBUTES, DEV_SERVER_ARGS
from core.security import create_access_token
from core.settings import Settings
from models.enums import Role
from worker import build_worker


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="homeward-lists-") as tmp:
        settings = Settings(
            data_dir=Path(tmp), temporal_task_queue="bench-lists",
            database_url=args.database_url or f"sqlite:///{tmp}/homeward.db",
            _env_file=None,  # type: ignore[call-arg]
        )
        engine = build_engine(settings)
        upgrade(engine)
        project = ensure_default_project(engine, settings)
        with Session(engine) as session:
            add_demo_users(session)
        token = {u: create_access_token(settings, u, r)[0] for u, r in
                 (("supervisor", Role.SUPERVISOR), ("caseworker", Role.CASEWORKER))}
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=venv_binary("temporal"),
            data_converter=build_data_converter(), search_attributes=CASE_SEARCH_ATTRIBUTES,
            dev_server_extra_args=DEV_SERVER_ARGS, dev_server_log_level="error",
        )
        async with env:
            app = create_app(settings)
            app.state.engine, app.state.temporal = engine, env.client
            worker = build_worker(env.client, settings, engine,
                                  workflow_runner=UnsandboxedWorkflowRunner())
            async with worker, app.router.lifespan_context(app):
                if args.tables:
                    print(f"inserting {args.cases} cases and their projected work ...",
                          flush=True)
                    expected = project_directly(engine, project.id, args.cases)
                    print(f"inserted in {expected.projected_s}s", flush=True)
                else:
                    print(f"starting {args.cases} cases ...", flush=True)
                    expected = await populate(engine, env.client, settings, project.id,
                                              args.cases)
                    print(f"started in {expected.started_s}s, all projected after "
                          f"{expected.projected_s}s", flush=True)
            # The worker is stopped: the lists are measured on a quiet machine.
            async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
                timeout=120,
            ) as http:
                sup = {"Authorization": f"Bearer {token['supervisor']}"}
                cw = {"Authorization": f"Bearer {token['caseworker']}"}
                await timed(http, "/supervision/stuck", sup, 2)  # warm up
                phases = {
                    "stuck (first 100)": await timed(http, "/supervision/stuck", sup,
                                                     args.rounds, limit=100),
                    "stuck (first 500)": await timed(http, "/supervision/stuck", sup,
                                                     args.rounds, limit=500),
                    "stuck by country": await timed(http, "/supervision/stuck", sup,
                                                    args.rounds, country="UA"),
                    "tasks?assignee=me": await timed(http, "/tasks", cw, args.rounds,
                                                     assignee="me", limit=50),
                    "tasks/counts": await timed(http, "/tasks/counts", sup, args.rounds),
                    "cases (first page)": await timed(http, "/cases", sup, args.rounds),
                    "cases?stage=intake": await timed(http, "/cases", sup, args.rounds,
                                                      stage="intake"),
                }
        check_lists(expected, phases["stuck (first 500)"][1], phases["tasks?assignee=me"][1],
                    phases["tasks/counts"][1])
        rows = {name: percentiles(lat) for name, (lat, _) in phases.items()}
        print(f"\n{args.cases} open cases, {expected.stuck} stuck; {args.rounds} sequential "
              "requests per list (ms):")
        print(f"{'list':<22}{'p50':>9}{'p95':>9}{'max':>9}")
        for name, p in rows.items():
            print(f"{name:<22}{p['p50']:>9}{p['p95']:>9}{p['max']:>9}")
        if args.output:
            Path(args.output).write_text(json.dumps({
                "cases": args.cases, "stuck": expected.stuck, "rounds": args.rounds,
                "started_s": expected.started_s, "projected_s": expected.projected_s,
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "lists": rows,
            }, indent=2) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="an empty database (SQLite in a "
                        "temporary directory by default)")
    parser.add_argument("--output", default=None, help="write the figures as JSON here")
    parser.add_argument("--tables", action="store_true", help="insert the rows the workflows "
                        "would project instead of running them (large sizes in minutes)")
    asyncio.run(main(parser.parse_args()))
