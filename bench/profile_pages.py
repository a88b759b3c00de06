"""Where a page's CPU goes at 100,000 cases: CPU per request, and the functions that spend it.

    .venv/bin/python -m bench.profile_pages                       # fills /tmp/homeward-profile
    .venv/bin/python -m bench.profile_pages --page supervisor:/ui --page caseworker:/ui
    .venv/bin/python -m bench.profile_pages --cases 10000 --db /tmp/small.db

The first run fills an SQLite database with bench/bench_office.py's office (cases, tasks,
deadlines, history, people, costs, 2.5 million timeline entries: about three minutes) and
keeps it at ``--db`` for the next runs (``--fresh`` fills it again). Each page is then asked
two times to warm up, ``--runs`` times for its CPU (this process: the app runs in it, over
ASGI, with the demo users' tokens; Temporal is not reachable, as these pages do not use it),
and three times under cProfile with FastAPI's thread pool run inline, so the route's own
work (its queries' fetches included) shows in the profile. Prints the CPU p50 and the
functions of this repository that spent the most, with their cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

import fastapi.dependencies.utils
import fastapi.routing
import httpx
from sqlmodel import Session

from api.main import create_app
from api.project_service import ensure_default_project
from api.user_service import DEMO_USERS
from bench.bench_office import fill
from bench.scratch import add_demo_users
from core.db import build_engine
from core.migrate import upgrade
from core.security import create_access_token
from core.settings import Settings
from core.temporal import connect

ROOT = str(Path(__file__).resolve().parents[1])


def settings_for(db: Path) -> Settings:
    return Settings(data_dir=db.parent, database_url=f"sqlite:///{db}", log_level="WARNING",
                    temporal_address="127.0.0.1:1", _env_file=None)  # type: ignore[call-arg]


async def build(db: Path, cases: int) -> None:
    """The office's tables, with the demo users under their usernames (bench/stack.py's)."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    settings = settings_for(db)
    engine = build_engine(settings)
    upgrade(engine)
    project_id = ensure_default_project(engine, settings).id
    with Session(engine) as session:
        add_demo_users(session)
    print(f"filling {cases:,} cases into {db} ...", flush=True)
    print(await fill(engine, project_id, cases), flush=True)
    engine.dispose()


async def _inline(func: Any, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


async def profile(db: Path, pages: list[tuple[str, str]], runs: int, top: int) -> None:
    settings = settings_for(db)
    roles = {d.username: d.role for d in DEMO_USERS}
    app = create_app(settings)
    app.state.engine = build_engine(settings)
    app.state.temporal = await connect(settings, lazy=True)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://homeward.test", timeout=300,
    ) as http:
        for user, path in pages:
            token = create_access_token(settings, user, roles[user])[0]
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(2):
                r = await http.get(path, headers=headers)
                assert r.status_code == 200, (path, r.status_code, r.text[:300])
            cpu = []
            for _ in range(runs):
                started = time.process_time()
                await http.get(path, headers=headers)
                cpu.append((time.process_time() - started) * 1000)
            threaded = fastapi.routing.run_in_threadpool, fastapi.dependencies.utils.run_in_threadpool
            fastapi.routing.run_in_threadpool = _inline  # type: ignore[assignment]
            fastapi.dependencies.utils.run_in_threadpool = _inline  # type: ignore[assignment]
            profiler = cProfile.Profile()
            try:
                profiler.enable()
                for _ in range(3):
                    await http.get(path, headers=headers)
                profiler.disable()
            finally:
                fastapi.routing.run_in_threadpool, fastapi.dependencies.utils.run_in_threadpool = threaded
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(ROOT)
            print(f"\n== {user} {path}: CPU p50 {statistics.median(cpu):.1f} ms "
                  f"(min {min(cpu):.1f}, max {max(cpu):.1f}; {runs} runs)")
            print("   the repository's functions, cumulative over 3 requests (cProfile slows "
                  "them about 2x):")
            ours = [line for line in out.getvalue().splitlines()
                    if ROOT in line and "/.venv/" not in line and "bench/" not in line
                    and "List reduced" not in line]
            for line in ours[:top]:
                print("  ", line.replace(ROOT + "/", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/homeward-profile/homeward.db"))
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="fill the database again")
    parser.add_argument("--page", action="append", default=[],
                        help="user:path (default: the supervisor's and caseworker's /ui)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    pages = [tuple(p.split(":", 1)) for p in args.page] or [
        ("supervisor", "/ui"), ("caseworker", "/ui")]
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if args.fresh or not args.db.exists():
        asyncio.run(build(args.db, args.cases))
    asyncio.run(profile(args.db, pages, args.runs, args.top))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
