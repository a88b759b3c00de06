"""Whole path throughput: cases driven from intake to departure through the HTTP API.

    .venv/bin/python -m bench.bench_path            # 200 cases, 20 concurrent, 2 rounds
    .venv/bin/python -m bench.bench_path --quick    # 30 cases, 10 concurrent, 1 round

Each case goes through every decision of the pre-departure path as its users would make them
(caseworker, two supervisors for the four eyes, border guard), with the zero-latency
simulators: open (`POST /cases`), counselling, intake complete, eligibility assessed and
approved, consent, grant proposed and approved, travel documents assessed (the embassy is
asked), embassy answer, exit clearance, booking, and the border guard's departure
confirmation (the grant is paid then). A case counts when its last request has returned and
its workflow has no activity left to run (payment, projections and timeline included). The
baseline (`bench.baseline.PathWorkflow`, run by `python -m bench.baseline`, a worker process
of its own like the case worker, on its own queue) takes as many updates and runs as many
no-op activities as the first case did (counted from that case's history), in the same run
against the same dev server at the same concurrency, and counts the same way. Target: cases
per second >= 0.5 x the baseline's.

A departure is accepted only on the booked day, and the dev server runs on the wall clock:
the benchmark sets its project's policy to allow a flight on the day it is booked
(`lead_times.earliest_departure_days = 0`, a last-minute seat), books today and departs today.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path as FilePath
from typing import Any

import httpx
from temporalio.api.enums.v1 import EventType

from bench.baseline import TASK_QUEUE, PathWorkflow
from bench.stack import (
    CASE_JSON,
    COUNSELLING,
    ROOT,
    Stack,
    add_set_option,
    bounded,
    cpu_per_op,
    percentiles,
    print_cpu,
    run_bench,
    running_stack,
    settings_env,
    wait_for_pollers,
    write_result,
)
from workflows.return_case import workflow_id

TARGET = 0.5
DEPART_IN_DAYS = 30


async def settled(stack: Stack, wf_id: str) -> None:
    """Until the workflow has no activity left to run (or has ended). Polled every 0.5 s: at
    0.1 s the describe calls of 20 clients loaded the shared server as much as the work."""
    handle = stack.client.get_workflow_handle(wf_id)
    while True:
        described = await handle.describe()
        if not described.raw_description.pending_activities:
            return
        await asyncio.sleep(0.5)


class Path:
    """One case's walk through the API, from `POST /cases` to departure."""

    def __init__(self, stack: Stack, http: httpx.AsyncClient, today: date) -> None:
        self.stack, self.http, self.today = stack, http, today
        self.departure = today + timedelta(days=DEPART_IN_DAYS)  # the plan at assessment

    async def call(self, path: str, who: str, body: dict[str, Any] | None = None,
                   **headers: str) -> dict[str, Any]:
        r = await self.http.post(path, json=body, headers=self.stack.headers(who) | headers)
        if r.status_code not in (200, 201):
            raise RuntimeError(f"{path}: {r.status_code} {r.text[:300]}")
        return r.json()  # type: ignore[no-any-return]

    async def walk(self, _: int) -> str:
        today, departure = self.today.isoformat(), self.departure.isoformat()
        case = await self.call("/cases", "caseworker", CASE_JSON,
                               **{"Idempotency-Key": str(uuid.uuid4())})
        c = f"/cases/{case['id']}"
        await self.call(f"{c}/counselling-sessions", "caseworker", COUNSELLING)
        await self.call(f"{c}/intake/complete", "caseworker")
        await self.call(f"{c}/eligibility/assessment", "caseworker",
                        {"eligible": True, "notes": "rejected asylum seeker"})
        await self.call(f"{c}/eligibility/decision", "supervisor",
                        {"approve": True, "reason": "meets the criteria"})
        await self.call(f"{c}/consent", "caseworker", {
            "declaration_signed_on": today, "share_with_authorities": True,
            "share_with_partner": False, "witnessed_by": "N. K."})
        await self.call(f"{c}/grant/proposal", "supervisor")
        await self.call(f"{c}/grant/decision", "supervisor2",
                        {"approve": True, "reason": "per policy"})
        state = await self.call(f"{c}/travel-documents/assessment", "caseworker",
                                {"planned_departure": departure})
        valid = (self.departure + timedelta(days=180)).isoformat()
        await self.call(f"{c}/travel-documents/embassy-answer", "caseworker", {
            "request_ref": state["documents"]["request_ref"], "issued": True,
            "valid_until": valid})
        await self.call(f"{c}/clearance", "borderguard", {
            "kind": "exit_clearance", "confirmed_on": today, "reference": "BG-1"})
        state = await self.call(f"{c}/bookings", "caseworker", {"departure_date": today})
        await self.call(f"{c}/departure", "borderguard", {
            "booking_ref": state["bookings"][-1]["booking_ref"], "departed_on": today})
        await settled(self.stack, workflow_id(case["id"]))
        return str(case["id"])


async def counts(stack: Stack, wf_id: str) -> dict[str, int]:
    """Updates accepted and activities scheduled in a workflow's history."""
    history = await stack.client.get_workflow_handle(wf_id).fetch_history()
    kinds = [e.event_type for e in history.events]
    return {
        "updates": kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
        "activities": kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
        "workflow_tasks": kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
        "events": len(kinds),
    }


async def same_day_flights(stack: Stack, http: httpx.AsyncClient) -> None:
    """The project's policy: a flight may leave on the day it is booked (see the docstring)."""
    r = await http.get("/projects", headers=stack.headers("admin"))
    r.raise_for_status()
    for project in r.json()["data"]:
        policy = project.get("policy") or {}
        policy.setdefault("lead_times", {})["earliest_departure_days"] = 0
        p = await http.patch(f"/projects/{project['id']}", json={"policy": policy},
                             headers=stack.headers("admin"))
        if p.status_code != 200:
            raise RuntimeError(f"project policy: {p.status_code} {p.text[:300]}")


def row(name: str, n: int, conc: int, lat: list[float], wall: float, errors: list[Any]) -> dict:
    return {"phase": name, "n": n, "concurrency": conc, "ok": len(lat), "errors": len(errors),
            "first_errors": errors[:3], "wall_s": round(wall, 3),
            "per_s": round(len(lat) / wall, 2) if wall else 0.0, **percentiles(lat)}


def spawn_baseline(stack: Stack) -> subprocess.Popen[bytes]:
    with (stack.tmp / "baseline.log").open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "bench.baseline"], cwd=ROOT,
                                env={**os.environ, **stack.worker_env}, stdout=out,
                                stderr=subprocess.STDOUT)


async def run_phases(args: argparse.Namespace, stack: Stack, http: httpx.AsyncClient,
                     rows: list[dict[str, Any]], counted: dict[str, Any]) -> None:
    await same_day_flights(stack, http)
    path = Path(stack, http, datetime.now(UTC).date())
    # One case alone: it warms up and gives the baseline its counts.
    sample = await path.walk(0)
    counted.update(await counts(stack, workflow_id(sample)))
    updates, activities = counted["updates"], counted["activities"]
    # plan[0] at start, then one entry per update: the activities spread evenly.
    per, extra = divmod(activities, updates + 1)
    plan = [per + (1 if i < extra else 0) for i in range(updates + 1)]
    print(f"a case from intake to departure: {counted}; baseline plan {plan}", flush=True)

    async def baseline(_: int) -> None:
        handle = await stack.client.start_workflow(
            PathWorkflow.run, plan, id=f"path-{uuid.uuid4()}", task_queue=TASK_QUEUE)
        for step in plan[1:]:
            await handle.execute_update(PathWorkflow.step, step)
        await settled(stack, handle.id)

    await bounded(5, 5, baseline)  # warm up
    await bounded(5, 5, path.walk)
    phases = [("API intake to departure", path.walk), ("baseline PathWorkflow", baseline)]
    for round_no in range(args.rounds):
        for name, op in phases if round_no % 2 == 0 else phases[::-1]:
            before = stack.cpu()
            lat, wall, errors = await bounded(args.cases, args.concurrency, op)
            r = row(name, args.cases, args.concurrency, lat, wall, errors)
            rows.append({**r, "round": round_no + 1,
                         "cpu_ms_per_op": cpu_per_op(before, stack.cpu(), len(lat))})
            print(f"round {round_no + 1} {name}: {r['ok']}/{r['n']} in {r['wall_s']}s "
                  f"= {r['per_s']}/s, errors {r['errors']} {r['first_errors'][:1]}",
                  flush=True)
            await asyncio.sleep(args.settle)
    counted["baseline_plan"] = plan


async def main(args: argparse.Namespace) -> None:
    rows: list[dict[str, Any]] = []
    counted: dict[str, Any] = {}
    async with running_stack(log_level=args.log_level, profile=args.profile,
                                   database=args.database,
                                   settings_env=settings_env(args)) as stack, httpx.AsyncClient(
                base_url=stack.base_url, timeout=120,
                limits=httpx.Limits(max_connections=args.concurrency + 5)) as http:
        # The baseline's worker is a process of its own, as the case worker is: an in-process
        # one would share this process's event loop (and one core) with the load generator.
        base = spawn_baseline(stack)
        stack.cpu_pids["baseline worker"] = base.pid
        try:
            while not await wait_for_pollers(stack.client, TASK_QUEUE):
                assert base.poll() is None, (stack.tmp / "baseline.log").read_text()[-2000:]
                await asyncio.sleep(0.2)
            await run_phases(args, stack, http, rows, counted)
        finally:
            base.terminate()
            base.wait(timeout=30)

    phases = ["API intake to departure", "baseline PathWorkflow"]

    def rate(name: str) -> float:
        mine = [r for r in rows if r["phase"] == name]
        return sum(r["ok"] for r in mine) / sum(r["wall_s"] for r in mine)

    api_rate, raw_rate = rate(phases[0]), rate(phases[1])
    ratio = api_rate / raw_rate if raw_rate else 0.0
    print(f"\n{'phase':<24}{'round':>6}{'n':>6}{'ok':>6}{'err':>5}{'wall s':>9}{'per s':>8}"
          f"{'case p50 ms':>13}{'case p95 ms':>13}")
    for r in rows:
        print(f"{r['phase']:<24}{r['round']:>6}{r['n']:>6}{r['ok']:>6}{r['errors']:>5}"
              f"{r['wall_s']:>9}{r['per_s']:>8}{r['p50']:>13}{r['p95']:>13}")
    print_cpu(rows)
    print(f"\nintake to departure {api_rate:.2f} cases/s, baseline {raw_rate:.2f}/s: ratio "
          f"{ratio:.2f} (target >= {TARGET}) -> {'MET' if ratio >= TARGET else 'MISSED'}")
    out = write_result(args.name, {
        "rows": rows, "case_history": counted,
        "api_per_s": round(api_rate, 2), "baseline_per_s": round(raw_rate, 2),
        "ratio": round(ratio, 3), "target": TARGET, "met": ratio >= TARGET,
        "params": vars(args),
    })
    print(f"written {out}")


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cases", type=int, default=200, help="cases per phase (bounded)")
    p.add_argument("--concurrency", type=int, default=20, help="cases driven at once")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--settle", type=float, default=3.0, help="seconds of quiet between phases")
    p.add_argument("--log-level", default="WARNING", help="HOMEWARD_LOG_LEVEL of the API")
    p.add_argument("--timeout", type=float, default=1800, help="hard limit of the whole run")
    p.add_argument("--name", default="bench_path", help="results/<name>.json")
    add_set_option(p)
    p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                   help="the API's and worker's database (postgresql: a throw-away cluster)")
    p.add_argument("--quick", action="store_true", help="30 cases, 10 concurrent, 1 round")
    p.add_argument("--profile", type=FilePath, default=None,
                   help="directory for py-spy samples of the API and the worker")
    args = p.parse_args()
    if args.quick:
        args.cases, args.concurrency, args.rounds, args.settle = 30, 10, 1, 1.0
        if args.name == "bench_path":
            args.name = "bench_path_quick"
    args.cases = min(args.cases, 5000)
    return args


if __name__ == "__main__":
    arguments = parse()
    run_bench(main(arguments), arguments.timeout)
