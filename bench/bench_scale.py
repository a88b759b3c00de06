"""Scale: many open cases resting on timers; worker memory and list latency as they grow.

    .venv/bin/python -m bench.bench_scale                       # 100,000 cases (long: see RESULTS)
    .venv/bin/python -m bench.bench_scale --cases 20000 --checkpoints 1000,5000,10000,20000
    .venv/bin/python -m bench.bench_scale --quick               # 2,000 cases, a few minutes

Each case is a real `ReturnCaseWorkflow` waiting on the embassy: its row is inserted into the
database in bulk (as `POST /cases` would, without the household) and its workflow started with
a state in stage travel_documents whose document request is pending, so it rests on the
chasing timer (the workflow's next wake-up is days away) and costs one workflow task to start.
Creating them through `POST /cases` instead would take hours on 2 cores (bench 1 measures that).

At each checkpoint (a number of open cases) the benchmark waits until the worker has handled
every start (no workflow task backlog), then records the worker's resident memory (RSS, and
its peak), and the latency (p50/p95/p99 over `--requests` sequential requests) of the case list
(`GET /cases`, first page, and filtered by stage), the task list (`GET /tasks`) and the stuck
list (`GET /supervision/stuck`, back to back and, `--first-looks` times, each past the API's
5-second reuse of Temporal's answer on failing workflows) when the API has them. The worker
caches at most
`max_cached_workflows` (the SDK default, 1,000) workflows, so its RSS should stay flat.
Targets: worker RSS < 1 GiB; list p95 < 250 ms. Writes results/<name>.json and .png.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert
from sqlmodel import Session, select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.service import RPCError

from api.stuck import PROBLEMS_FRESH_FOR
from bench.stack import (
    RESULTS,
    Stack,
    bounded,
    percentiles,
    proc_memory,
    run_bench,
    running_stack,
    write_result,
)
from core.db import build_engine
from models.enums import DocumentStatus, LegalSituation, LocationType, Relationship, Sex, Stage
from models.payloads import CaseState, CaseWorkflowInput, TravelDocuments, Traveller
from models.tables import Case, Project
from workflows.return_case import ReturnCaseWorkflow, workflow_id

RSS_TARGET_MIB, P95_TARGET_MS = 1024, 250.0
# (label, path, params, spaced); the task and stuck lists are used only when the API serves
# them. The API keeps Temporal's answer on failing workflows for PROBLEMS_FRESH_FOR seconds, so
# back-to-back looks at the stuck list mostly reuse it; a supervisor looking now and then pays
# for the question each time: measured apart, `--first-looks` requests that far apart.
LISTS: list[tuple[str, str, dict[str, str], bool]] = [
    ("GET /cases", "/cases", {}, False),
    ("GET /cases?stage=", "/cases", {"stage": "travel_documents"}, False),
    ("GET /tasks", "/tasks", {}, False),
    ("GET /supervision/stuck", "/supervision/stuck", {}, False),
    ("GET /supervision/stuck (first look)", "/supervision/stuck", {}, True),
]


def waiting_state(case_id: str, reference: str, now: datetime) -> CaseState:
    """A case whose embassy request is pending: it sleeps until the next chasing reminder."""
    return CaseState(
        case_id=case_id,
        reference=reference,
        stage=Stage.TRAVEL_DOCUMENTS,
        country_of_origin="GE",
        legal_situation=LegalSituation.REJECTED_ASYLUM_SEEKER,
        location_type=LocationType.RECEPTION_CENTRE,
        household=[Traveller(member_id=f"{case_id}-1", relationship=Relationship.PRINCIPAL,
                             sex=Sex.MALE, is_minor=False, nationality="GE")],
        documents=TravelDocuments(
            status=DocumentStatus.REQUESTED, request_ref=f"ETD-{case_id[:8]}", attempts=1,
            requested_at=now, last_chased_at=now, deadline_at=now + timedelta(days=60),
            member_ids=[f"{case_id}-1"],
        ),
        awaiting="the embassy's answer on the travel document",
    )


async def backlog(stack: Stack) -> int:
    """The worker's workflow task backlog. A dev server too busy to answer (seen at ~74,000
    open cases: the default 10 s RPC timeout expired and ended a run) counts as backlogged."""
    try:
        described = await stack.client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=stack.client.namespace,
                task_queue=TaskQueue(name=stack.settings.temporal_task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
                report_stats=True,
            ),
            timeout=timedelta(seconds=60),
        )
    except RPCError as err:
        print(f"task queue not described ({err.message}): waiting", flush=True)
        await asyncio.sleep(5)
        return sys.maxsize
    stats = described.stats
    return int(stats.approximate_backlog_count) if stats is not None else 0


async def drained(stack: Stack, timeout: float) -> float:
    """Wait until the worker has taken every workflow task; seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if await backlog(stack) == 0:
            return time.monotonic() - started
        await asyncio.sleep(1)
    return time.monotonic() - started


async def main(args: argparse.Namespace) -> None:
    checkpoints = sorted({int(c) for c in args.checkpoints.split(",")} | {args.cases})
    checkpoints = [c for c in checkpoints if c <= args.cases]
    points: list[dict[str, Any]] = []
    async with running_stack(
        log_level="WARNING", temporal_db=args.temporal_db
    ) as stack, httpx.AsyncClient(
        base_url=stack.base_url, headers=stack.headers("supervisor"), timeout=120,
    ) as http:
        paths = set((await http.get("/openapi.json")).json()["paths"])
        lists = [entry for entry in LISTS if entry[1] in paths]
        skipped = [label for label, path, _, _ in LISTS if path not in paths]
        for label in skipped:
            print(f"skipped {label}: this API does not serve it (not on this branch yet)")
        engine = build_engine(stack.settings)
        with Session(engine) as session:
            project_id = session.exec(select(Project.id)).first()
        worker_pid = stack.procs["worker"].pid
        run_tag = uuid.uuid4().hex[:6]
        opened = 0
        start_rate: list[float] = []
        errors: list[str] = []
        for target in checkpoints:
            batch_started = time.perf_counter()
            while opened < target:
                n = min(args.batch, target - opened)
                now = datetime.now(UTC)
                rows = [{
                    "id": str(uuid.uuid4()), "reference": f"SC-{run_tag}-{opened + i:07d}",
                    "project_id": project_id, "stage": Stage.TRAVEL_DOCUMENTS,
                    "country_of_origin": "GE",
                    "legal_situation": LegalSituation.REJECTED_ASYLUM_SEEKER,
                    "location_type": LocationType.RECEPTION_CENTRE,
                    "awaiting": "the embassy's answer on the travel document",
                    "created_at": now, "updated_at": now,
                } for i in range(n)]
                with Session(engine) as session:
                    session.execute(insert(Case), rows)
                    session.commit()

                async def start(i: int, rows: list[dict[str, Any]] = rows,
                                now: datetime = now) -> None:
                    row = rows[i]
                    data = CaseWorkflowInput(
                        case_id=row["id"], reference=row["reference"], country_of_origin="GE",
                        legal_situation=row["legal_situation"],
                        location_type=row["location_type"],
                        state=waiting_state(row["id"], row["reference"], now),
                    )
                    await stack.client.start_workflow(
                        ReturnCaseWorkflow.run, data, id=workflow_id(row["id"]),
                        task_queue=stack.settings.temporal_task_queue,
                    )

                _, _, errs = await bounded(n, args.concurrency, start)
                errors += errs
                opened += n
                # Do not run ahead of the worker by more than a few batches.
                while await backlog(stack) > args.max_backlog:
                    await asyncio.sleep(1)
            waited = await drained(stack, args.drain_timeout)
            wall = time.perf_counter() - batch_started
            start_rate.append(wall)
            await asyncio.sleep(args.settle)
            point: dict[str, Any] = {
                "open_cases": opened, "start_errors": len(errors),
                "segment_wall_s": round(wall, 1), "drain_wait_s": round(waited, 1),
                **proc_memory(worker_pid), "api": proc_memory(stack.procs["api"].pid),
                "lists": {},
            }
            for label, path, params, spaced in lists:
                await http.get(path, params=params)  # warm up

                async def get(_: int, path: str = path, params: dict[str, str] = params) -> None:
                    r = await http.get(path, params=params)
                    if r.status_code != 200:
                        raise RuntimeError(f"{r.status_code} {r.text[:200]}")

                if spaced:
                    lat, errs = [], []
                    for _ in range(args.first_looks):
                        await asyncio.sleep(PROBLEMS_FRESH_FOR + 0.2)
                        one, _, err = await bounded(1, 1, get)
                        lat, errs = lat + one, errs + err
                else:
                    lat, _, errs = await bounded(args.requests, 1, get)
                point["lists"][label] = {**percentiles(lat), "errors": len(errs),
                                         "first_errors": errs[:2]}
            points.append(point)
            lists_txt = "  ".join(
                f"{label} p50/p95 {v['p50']}/{v['p95']} ms"
                + (f" ({v['errors']} errors: {v['first_errors'][0]})" if v["errors"] else "")
                for label, v in point["lists"].items())
            print(f"{opened:>8} open cases ({wall:.0f}s): worker RSS {point['rss_mib']} MiB "
                  f"(peak {point['peak_rss_mib']}); {lists_txt}", flush=True)
            write_partial(args, points, skipped, errors)
            chart(points, RESULTS / f"{args.name}.png")
        engine.dispose()

    print_table(points)
    worst_rss = max(p["peak_rss_mib"] for p in points)
    worst_p95 = max((v["p95"] for p in points for v in p["lists"].values()), default=0.0)
    # A list that answered with errors was not measured: it cannot meet the target.
    failed = [f"{label} at {p['open_cases']}" for p in points
              for label, v in p["lists"].items() if v["errors"]]
    print(f"\nworker peak RSS {worst_rss} MiB (target < {RSS_TARGET_MIB}) -> "
          f"{'MET' if worst_rss < RSS_TARGET_MIB else 'MISSED'}; worst list p95 {worst_p95} ms "
          f"(target < {P95_TARGET_MS}) -> "
          f"{'MET' if worst_p95 < P95_TARGET_MS and not failed else 'MISSED'}")
    if failed:
        print("lists that answered with errors (see the JSON): " + "; ".join(failed))
    if skipped:
        print("not measured (not served by this API): " + ", ".join(skipped))
    png = RESULTS / f"{args.name}.png"
    chart(points, png)
    path = write_partial(args, points, skipped, errors, final=True)
    print(f"written {path} and {png}")


def write_partial(args: argparse.Namespace, points: list[dict[str, Any]], skipped: list[str],
                  errors: list[str], final: bool = False) -> Path:
    """Written after every checkpoint, so a run stopped early keeps what it measured."""
    return write_result(args.name, {
        "complete": final, "points": points, "skipped_lists": skipped,
        "first_start_errors": errors[:5], "params": vars(args),
        "targets": {"worker_rss_mib": RSS_TARGET_MIB, "list_p95_ms": P95_TARGET_MS},
    })


def print_table(points: list[dict[str, Any]]) -> None:
    labels = sorted({label for p in points for label in p["lists"]})
    print(f"\n{'open cases':>10}{'RSS MiB':>9}{'peak':>8}" +
          "".join(f"{label.removeprefix('GET ')[:31]:>33}" for label in labels))
    for p in points:
        cells = "".join(f"{p['lists'][label]['p50']:>16}/{p['lists'][label]['p95']:<16}"
                        for label in labels)
        print(f"{p['open_cases']:>10}{p['rss_mib']:>9}{p['peak_rss_mib']:>8}{cells}")
    print("(list columns: p50/p95 ms)")


def chart(points: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    RESULTS.mkdir(parents=True, exist_ok=True)
    fig, (ax, mem) = plt.subplots(1, 2, figsize=(11, 4.5))
    xs = [p["open_cases"] for p in points]
    for label in sorted({label for p in points for label in p["lists"]}):
        # A list that answered with errors at a checkpoint has no latency there.
        measured = [p for p in points if not p["lists"][label]["errors"]]
        for q, style in (("p50", ":"), ("p95", "-")):
            ax.plot([p["open_cases"] for p in measured],
                    [p["lists"][label][q] for p in measured], style, marker="o",
                    label=f"{label} {q}")
    ax.axhline(P95_TARGET_MS, color="red", linewidth=0.8, label="p95 target")
    ax.set_xlabel("open cases")
    ax.set_ylabel("latency (ms)")
    ax.set_title("List latency vs open cases")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    mem.plot(xs, [p["rss_mib"] for p in points], marker="o", label="worker RSS")
    mem.plot(xs, [p["peak_rss_mib"] for p in points], "--", marker="o", label="worker peak RSS")
    mem.set_xlabel("open cases")
    mem.set_ylabel("MiB")
    mem.set_ylim(bottom=0)
    mem.set_title("Worker memory vs open cases")
    mem.grid(True, alpha=0.3)
    mem.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cases", type=int, default=100_000, help="open cases at the end")
    p.add_argument("--checkpoints", default="1000,10000,25000,50000,100000",
                   help="comma-separated counts of open cases at which to measure")
    p.add_argument("--batch", type=int, default=1000, help="cases inserted and started per batch")
    p.add_argument("--concurrency", type=int, default=50, help="concurrent workflow starts")
    p.add_argument("--max-backlog", type=int, default=3000,
                   help="pause starting while the worker is this many workflow tasks behind")
    p.add_argument("--requests", type=int, default=50, help="requests per list per checkpoint")
    p.add_argument("--first-looks", type=int, default=10,
                   help="stuck-list requests spaced past the API's 5 s reuse of Temporal's answer")
    p.add_argument("--settle", type=float, default=3.0, help="seconds of quiet before measuring")
    p.add_argument("--drain-timeout", type=float, default=1800)
    p.add_argument("--timeout", type=float, default=6 * 3600, help="hard limit of the whole run")
    p.add_argument("--name", default="bench_scale", help="results/<name>.json and .png")
    p.add_argument("--temporal-db", action="store_true",
                   help="the dev server on an SQLite file, not in memory (for 100,000 cases)")
    p.add_argument("--quick", action="store_true", help="2,000 cases, checkpoints 500,1000,2000")
    args = p.parse_args()
    if args.quick:
        args.cases, args.checkpoints, args.requests = 2000, "500,1000,2000", 20
        args.first_looks = 3
        if args.name == "bench_scale":
            args.name = "bench_scale_quick"
    return args


if __name__ == "__main__":
    arguments = parse()
    run_bench(main(arguments), arguments.timeout)
