"""A throw-away Homeward stack on 127.0.0.1 for the benchmarks.

`async with running_stack() as stack:` starts, each on a random free port:
- `temporal server start-dev` from the virtualenv, in memory and headless;
- a migrated SQLite database in a temporary directory, with the demo users inserted directly
  (id = username, password hashed once) and a bearer token minted for each;
- the worker process (`python -m worker`) and the API process (uvicorn), as `make run` does.
Leaving the block (normally, on an exception, on Ctrl-C or SIGTERM) stops them all and removes
the temporary directory. `run_bench()` wraps a benchmark's main coroutine with an overall
deadline so a benchmark always stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import compileall
import json
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from api.project_service import ensure_default_project
from api.user_service import DEMO_PASSWORD, DEMO_USERS
from core.cli import venv_binary
from core.db import build_engine
from core.migrate import upgrade
from core.search_attributes import DEV_SERVER_ARGS, ensure_search_attributes
from core.security import create_access_token, hash_password
from core.settings import Settings
from core.temporal import connect
from models.users import User
from tests.pgcluster import PgCluster

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"

# One valid case body (the same as tests/factories.CASE_JSON; bench/ does not import tests/).
CASE_JSON: dict[str, Any] = {
    "country_of_origin": "GE",
    "legal_situation": "rejected_asylum_seeker",
    "location_type": "reception_centre",
    "location_name": "Mucenieki",
    "preferred_language": "ka",
    "destination_city": "Tbilisi",
    "principal": {
        "given_name": "Giorgi",
        "family_name": "Beridze",
        "date_of_birth": "1988-03-14",
        "sex": "male",
        "nationality": "GE",
    },
}
COUNSELLING = {"held_on": "2026-02-01", "place": "Riga", "language": "ka"}

_live: list[subprocess.Popen[bytes]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)
        if p in _live:
            _live.remove(p)


atexit.register(lambda: _stop(list(reversed(_live))))


@dataclass
class Stack:
    base_url: str
    temporal_address: str
    settings: Settings
    client: Client
    tokens: dict[str, str]
    tmp: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # The HOMEWARD_* environment the worker and API run with (for more processes alike).
    worker_env: dict[str, str] = field(default_factory=dict)

    # More processes whose CPU time `cpu()` reports (a baseline worker of its own, PostgreSQL).
    cpu_pids: dict[str, int] = field(default_factory=dict)

    def cpu(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by each process of the stack, with its
        children, and by this process ("bench": the load and any in-process baseline worker).
        Subtract two readings for what a phase cost; see `cpu_per_op`."""
        own = os.times()
        return cpu_of_trees({name: p.pid for name, p in self.procs.items()} | self.cpu_pids) | {
            "bench": own.user + own.system}

    def headers(self, username: str = "caseworker") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"


def cpu_of_trees(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user + system) of each root process with its descendants, from one scan
    of /proc: a live process counts its own time, one that ended is in its parent's
    reaped-children time (PostgreSQL's backends, for instance)."""
    ticks: dict[int, int] = {}
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, from field 3 on
        # ppid is field 4; utime, stime, cutime, cstime are fields 14-17 (proc(5)).
        ticks[int(entry)] = sum(int(x) for x in fields[11:15])
        children.setdefault(int(fields[1]), []).append(int(entry))

    def tree(root: int) -> int:
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            if pid in ticks:
                total += ticks[pid]
                todo.extend(children.get(pid, []))
        return total

    hz = os.sysconf("SC_CLK_TCK")
    return {name: tree(pid) / hz for name, pid in roots.items()}


async def until_quiet(stack: Stack, at_least: float, limit: float = 60.0) -> None:
    """Wait `at_least` seconds, then until the worker is idle (under 5% of a core over half a
    second; at most `limit` seconds): work a phase left behind (projections of the cases it
    opened) is then counted in that phase's CPU time, not in the next one's."""
    await asyncio.sleep(at_least)
    deadline = time.monotonic() + limit
    last = stack.cpu()["worker"]
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = stack.cpu()["worker"]
        if now - last < 0.025:
            return
        last = now


def proc_memory(pid: int) -> dict[str, float]:
    """Resident memory and its peak (MiB) from /proc (Linux)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mib": out.get("VmRSS", 0.0), "peak_rss_mib": out.get("VmHWM", 0.0)}


def cpu_per_op(before: dict[str, float], after: dict[str, float], n: int) -> dict[str, float]:
    """Milliseconds of CPU per operation, by process and in total, between two `Stack.cpu()`
    readings. Unlike a rate, this hardly moves with what else the machine is doing."""
    if n <= 0:
        return {}
    per = {name: round((after[name] - before.get(name, 0.0)) * 1000 / n, 2) for name in after}
    return per | {"total": round(sum(per.values()), 2)}


def print_cpu(rows: list[dict[str, Any]]) -> None:
    """The rows' CPU milliseconds per operation, one column per process."""
    rows = [r for r in rows if r.get("cpu_ms_per_op")]
    if not rows:
        return
    names = sorted({k for r in rows for k in r["cpu_ms_per_op"]} - {"total"}) + ["total"]
    width = {n: max(10, len(n) + 2) for n in names}
    print(f"\n{'CPU ms per operation':<30}" + "".join(f"{n:>{width[n]}}" for n in names))
    for r in rows:
        label = f"{r['phase']} ({r['concurrency']})"
        print(f"{label:<30}" + "".join(
            f"{r['cpu_ms_per_op'].get(n, 0.0):>{width[n]}}" for n in names))


def _spawn(name: str, args: list[str], env: dict[str, str], tmp: Path) -> subprocess.Popen[bytes]:
    with (tmp / f"{name}.log").open("wb") as out:
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only us; we stop the children in order
        )
    _live.append(proc)
    return proc


async def _wait(what: str, probe: Any, timeout: float, proc: subprocess.Popen[bytes],
                log: Path) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            result = await probe()
            if result:
                return result
        except (OSError, httpx.HTTPError, RuntimeError, RPCError):  # not listening yet
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready in {timeout}s:\n{log.read_text()[-3000:]}")
        await asyncio.sleep(0.2)


async def wait_for_pollers(client: Client, task_queue: str, n: int = 1) -> bool:
    described = await client.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
        namespace=client.namespace,
        task_queue=TaskQueue(name=task_queue),
        task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    ))
    return len({p.identity for p in described.pollers}) >= n


def add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set", dest="settings_env", action="append", default=[], metavar="HOMEWARD_X=VALUE",
        help="a setting for the worker and the API, e.g. HOMEWARD_WORKFLOW_SANDBOX=false",
    )


def settings_env(args: argparse.Namespace) -> dict[str, str]:
    pairs = [item.partition("=") for item in args.settings_env]
    bad = [key for key, eq, _ in pairs if not eq or not key.startswith("HOMEWARD_")]
    if bad:
        raise SystemExit(f"--set takes HOMEWARD_NAME=value, not {bad[0]!r}")
    return {key: value for key, _, value in pairs}


def compile_to_bytecode() -> None:
    """Compile the code to __pycache__ as the image build does (Dockerfile): with
    PYTHONDONTWRITEBYTECODE set (as on the benchmark machine) nothing else writes it, and the
    worker's sandbox would compile the case workflow's module from source for every
    workflow run it creates."""
    for package in ("core", "models", "workflows", "activities", "api", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    compileall.compile_file(ROOT / "worker.py", quiet=1)


@asynccontextmanager
async def running_stack(
    log_level: str = "INFO", profile: Path | None = None, api_app: str = "api.main:app_factory",
    database: str = "sqlite", temporal_db: bool = False, settings_env: dict[str, str] | None = None,
) -> AsyncIterator[Stack]:
    """The stack; with `profile`, py-spy samples the API and the worker into that directory
    (flat `--format raw` stacks, for flamegraph.pl or speedscope) until the stack stops.
    `database`: "sqlite" (a file in the temp dir, the embedded default) or "postgresql" (a
    throw-away cluster from the machine's binaries with PostgreSQL's default durability, as
    in production). `temporal_db`: the dev server keeps its state in an SQLite file in the temp
    dir instead of in memory (at ~50,000-75,000 open workflows the in-memory server grew past
    20 GB on a 24 GB machine). `settings_env`: more HOMEWARD_* settings for the worker and
    the API (`--set` of the benchmarks)."""
    procs: list[subprocess.Popen[bytes]] = []
    spies: list[subprocess.Popen[bytes]] = []
    pg: PgCluster | None = None
    compile_to_bytecode()
    with tempfile.TemporaryDirectory(prefix="homeward-bench-") as tmpdir:
        tmp = Path(tmpdir)
        try:
            t_port, api_port = free_port(), free_port()
            address = f"127.0.0.1:{t_port}"
            secret = secrets.token_urlsafe(32)
            database_url = f"sqlite:///{tmp / 'homeward.db'}"
            if database == "postgresql":
                pg = PgCluster(durable=True)
                pg.start()
                database_url = pg.url()
            settings = Settings(
                data_dir=tmp,
                database_url=database_url,
                temporal_address=address,
                temporal_task_queue="bench-cases",
                secret_key=secret,
                # The demo users' tokens are minted once: they must outlive the longest run
                # (a 100,000-case scale run takes over an hour; the default is 60 minutes).
                access_token_minutes=24 * 60,
                _env_file=None,  # type: ignore[call-arg]
            )
            temporal = _spawn("temporal", [
                venv_binary("temporal"), "server", "start-dev", "--headless",
                "--ip", "127.0.0.1", "--port", str(t_port), "--log-level", "error",
                *DEV_SERVER_ARGS,
                *(["--db-filename", str(tmp / "temporal.db")] if temporal_db else []),
            ], dict(os.environ), tmp)
            procs.append(temporal)

            engine = build_engine(settings)
            upgrade(engine)
            ensure_default_project(engine, settings)
            password_hash = hash_password(DEMO_PASSWORD)
            tokens = {}
            with Session(engine) as session:
                for data in DEMO_USERS:
                    session.add(User(
                        id=data.username, username=data.username, full_name=data.full_name,
                        role=data.role, partner_org=data.partner_org, password_hash=password_hash,
                    ))
                    tokens[data.username] = create_access_token(
                        settings, data.username, data.role
                    )[0]
                session.commit()
            engine.dispose()

            async def temporal_up() -> Client:
                client = await connect(settings)
                await client.service_client.check_health()
                return client

            client = await _wait("temporal", temporal_up, 60, temporal, tmp / "temporal.log")
            await ensure_search_attributes(client, settings.temporal_namespace)
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")},
                "HOMEWARD_TEMPORAL_ADDRESS": address,
                "HOMEWARD_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
                "HOMEWARD_DATABASE_URL": settings.database_url,
                "HOMEWARD_DATA_DIR": str(tmp),
                "HOMEWARD_SECRET_KEY": secret,
                "HOMEWARD_LOG_FORMAT": "json",
                "HOMEWARD_LOG_LEVEL": log_level,
                "HOMEWARD_API_PORT": str(api_port),
                "HOMEWARD_WORKER_METRICS_PORT": "0",
                "PYTHONUNBUFFERED": "1",
                **(settings_env or {}),
            }
            worker = _spawn("worker", [sys.executable, "-m", "worker"], env, tmp)
            procs.append(worker)
            api = _spawn("api", [
                sys.executable, "-m", "uvicorn", api_app, "--factory",
                "--host", "127.0.0.1", "--port", str(api_port), "--no-access-log",
            ], env, tmp)
            procs.append(api)
            base_url = f"http://127.0.0.1:{api_port}"

            async def api_up() -> bool:
                async with httpx.AsyncClient(timeout=2) as http:
                    return (await http.get(f"{base_url}/health")).status_code == 200

            await _wait("api", api_up, 60, api, tmp / "api.log")
            await _wait("worker", lambda: wait_for_pollers(client, settings.temporal_task_queue),
                        60, worker, tmp / "worker.log")
            if profile is not None:
                profile.mkdir(parents=True, exist_ok=True)
                for name, proc in (("api", api), ("worker", worker)):
                    # Popen only forks (it does not wait): fine on the event loop.
                    spies.append(subprocess.Popen([  # noqa: ASYNC220
                        venv_binary("py-spy"), "record", "--pid", str(proc.pid), "--rate", "200",
                        "--format", "raw", "--output", str(profile / f"{name}.txt"),
                    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                    _live.append(spies[-1])
            yield Stack(base_url, address, settings, client, tokens, tmp,
                        {"temporal": temporal, "worker": worker, "api": api},
                        {k: v for k, v in env.items() if k.startswith("HOMEWARD_")},
                        {"postgresql": pg.postmaster_pid()} if pg is not None else {})
        finally:
            for spy in spies:  # SIGINT makes py-spy write its samples
                if spy.poll() is None:
                    spy.send_signal(signal.SIGINT)
            for spy in spies:
                try:
                    spy.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    pass
            _stop(spies)
            # API and worker first (they talk to Temporal), the server last.
            _stop([p for p in reversed(procs) if p is not procs[0]])
            _stop(procs[:1])
            if pg is not None:
                pg.stop()


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds (nearest rank), from latencies in seconds."""
    if not samples:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    s = sorted(samples)

    def rank(q: float) -> float:
        return round(s[min(len(s) - 1, max(0, int(q * len(s) + 0.999999) - 1))] * 1000, 2)

    return {"p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99),
            "max": round(s[-1] * 1000, 2), "mean": round(sum(s) / len(s) * 1000, 2)}


async def bounded(n: int, concurrency: int, op: Any) -> tuple[list[float], float, list[Any]]:
    """Run op(i) for i in range(n) with `concurrency` workers; latencies, wall time, errors."""
    latencies: list[float] = []
    errors: list[Any] = []
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            started = time.perf_counter()
            try:
                await op(i)
            except Exception as err:  # noqa: BLE001 - counted and reported, not hidden
                errors.append(repr(err)[:300])
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, errors


def machine() -> dict[str, Any]:
    mem = ""
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True, timeout=5,
                             check=False).stdout
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        # The machine may be shared: a high load average means noisy figures.
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "free_h": mem.strip(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2, default=str) + "\n")
    return path


def run_bench(main: Coroutine[Any, Any, Any], timeout: float) -> None:
    """Run a benchmark; it stops by itself after `timeout` seconds, on Ctrl-C and on SIGTERM
    (both cancel the benchmark's task, whose `finally` blocks stop the stack)."""

    async def bounded_main() -> None:
        task = asyncio.current_task()
        assert task is not None
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        await asyncio.wait_for(main, timeout)

    try:
        asyncio.run(bounded_main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\ninterrupted: stack stopped", file=sys.stderr)
        sys.exit(130)
    except TimeoutError:
        print(f"\nbenchmark exceeded its {timeout:.0f}s limit: stack stopped", file=sys.stderr)
        sys.exit(2)
