"""Cases opened per second through `POST /cases` vs raw `start_workflow` of a trivial workflow.

    .venv/bin/python -m bench.bench_create            # 500 of each, 20 concurrent, 2 rounds
    .venv/bin/python -m bench.bench_create --quick    # 60 of each, 10 concurrent, 1 round

Both run in the same process against the same dev server at the same concurrency; the rounds
alternate which goes first. Target: API rate >= 0.5 x raw rate.
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.baseline import TASK_QUEUE, TrivialWorkflow, baseline_worker
from bench.stack import (
    CASE_JSON,
    add_set_option,
    bounded,
    cpu_per_op,
    percentiles,
    print_cpu,
    run_bench,
    running_stack,
    settings_env,
    until_quiet,
    write_result,
)

TARGET = 0.5


def row(name: str, n: int, conc: int, lat: list[float], wall: float, errors: list[Any]) -> dict:
    return {"phase": name, "n": n, "concurrency": conc, "ok": len(lat), "errors": len(errors),
            "first_errors": errors[:3], "wall_s": round(wall, 3),
            "per_s": round(len(lat) / wall, 1) if wall else 0.0, **percentiles(lat)}


def print_table(rows: list[dict]) -> None:
    print(f"{'phase':<22}{'n':>6}{'conc':>6}{'ok':>6}{'err':>5}{'per s':>9}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for r in rows:
        print(f"{r['phase']:<22}{r['n']:>6}{r['concurrency']:>6}{r['ok']:>6}{r['errors']:>5}"
              f"{r['per_s']:>9}{r['p50']:>9}{r['p95']:>9}{r['p99']:>9}")


async def main(args: argparse.Namespace) -> None:
    rows: list[dict] = []
    async with running_stack(
        log_level=args.log_level, profile=args.profile, api_app=args.api_app,
        database=args.database, settings_env=settings_env(args),
    ) as stack, baseline_worker(stack.client), httpx.AsyncClient(
        base_url=stack.base_url, headers=stack.headers("caseworker"), timeout=60,
        limits=httpx.Limits(max_connections=args.concurrency + 5),
    ) as http:

        async def api_create(_: int) -> None:
            r = await http.post("/cases", json=CASE_JSON,
                                headers={"Idempotency-Key": str(uuid.uuid4())})
            if r.status_code != 201:
                raise RuntimeError(f"{r.status_code} {r.text[:200]}")

        async def raw_start(_: int) -> None:
            await stack.client.start_workflow(
                TrivialWorkflow.run, "x", id=f"trivial-{uuid.uuid4()}", task_queue=TASK_QUEUE
            )

        # Warm up both paths (connections, imports, workflow caches).
        await bounded(10, 5, api_create)
        await bounded(10, 5, raw_start)
        await asyncio.sleep(args.settle)
        phases = [("POST /cases", api_create), ("raw start_workflow", raw_start)]
        for round_no in range(args.rounds):
            order = phases if round_no % 2 == 0 else phases[::-1]
            for name, op in order:
                before = stack.cpu()
                lat, wall, errors = await bounded(args.total, args.concurrency, op)
                # Let the worker finish the projections/workflow tasks the phase left behind
                # (their CPU time is part of what the phase cost).
                await until_quiet(stack, args.settle)
                rows.append(row(name, args.total, args.concurrency, lat, wall, errors) | {
                    "round": round_no + 1,
                    "cpu_ms_per_op": cpu_per_op(before, stack.cpu(), len(lat))})

    def total_rate(name: str) -> float:
        mine = [r for r in rows if r["phase"] == name]
        return sum(r["ok"] for r in mine) / sum(r["wall_s"] for r in mine)

    api_rate, raw_rate = total_rate("POST /cases"), total_rate("raw start_workflow")
    ratio = api_rate / raw_rate if raw_rate else 0.0
    print_table(rows)
    print_cpu(rows)
    print(f"\nPOST /cases {api_rate:.1f}/s, raw start_workflow {raw_rate:.1f}/s: "
          f"ratio {ratio:.2f} (target >= {TARGET}) -> {'MET' if ratio >= TARGET else 'MISSED'}")
    path = write_result(args.name, {
        "rows": rows, "api_per_s": round(api_rate, 1), "raw_per_s": round(raw_rate, 1),
        "ratio": round(ratio, 3), "target": TARGET, "met": ratio >= TARGET,
        "params": vars(args),
    })
    print(f"written {path}")


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--total", type=int, default=500, help="requests per phase (bounded)")
    p.add_argument("--concurrency", type=int, default=20)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--settle", type=float, default=3.0, help="seconds of quiet between phases")
    p.add_argument("--log-level", default="INFO", help="HOMEWARD_LOG_LEVEL of worker and API")
    p.add_argument("--timeout", type=float, default=600, help="hard limit of the whole run")
    p.add_argument("--name", default="bench_create", help="results/<name>.json")
    p.add_argument("--api-app", default="api.main:app_factory",
                   help="uvicorn factory of the API (bench.variants has experiments)")
    p.add_argument("--profile", type=Path, default=None,
                   help="directory for py-spy samples of the API and the worker")
    add_set_option(p)
    p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                   help="the API's and worker's database (postgresql: a throw-away cluster)")
    p.add_argument("--quick", action="store_true", help="60 per phase, 10 concurrent, 1 round")
    args = p.parse_args()
    if args.quick:
        args.total, args.concurrency, args.rounds, args.settle = 60, 10, 1, 1.0
        if args.name == "bench_create":
            args.name = "bench_create_quick"
    args.total = min(args.total, 5000)
    return args


if __name__ == "__main__":
    arguments = parse()
    run_bench(main(arguments), arguments.timeout)
