"""Latency of a caseworker decision through the API (an update round trip) vs a raw update.

    .venv/bin/python -m bench.bench_decisions           # 1,000 open cases; 1 and 20 clients
    .venv/bin/python -m bench.bench_decisions --quick   # 100 open cases, fewer requests

The decision is `POST /cases/{id}/counselling-sessions` (it stays in intake, so it repeats on
the same case) on a random open case; the baseline is `handle.execute_update` on as many open
`TrivialUpdateWorkflow`s, run by an in-process worker, at the same concurrency. Targets: p99
within 1.5x raw at each concurrency; decisions/s with 20 clients >= 0.7x raw.
"""

from __future__ import annotations

import argparse
import random
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.baseline import TASK_QUEUE, TrivialUpdateWorkflow, baseline_worker
from bench.stack import (
    CASE_JSON,
    COUNSELLING,
    RESULTS,
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
from models.decisions import RecordCounsellingInput
from models.enums import Role
from models.payloads import Actor, CounsellingSession
from workflows.return_case import ReturnCaseWorkflow, workflow_id

P99_FACTOR, THROUGHPUT_FACTOR = 1.5, 0.7


def row(name: str, conc: int, lat: list[float], wall: float, errors: list[Any]) -> dict:
    return {"phase": name, "concurrency": conc, "ok": len(lat), "errors": len(errors),
            "first_errors": errors[:3], "wall_s": round(wall, 3),
            "per_s": round(len(lat) / wall, 1) if wall else 0.0, **percentiles(lat)}


def print_table(rows: list[dict]) -> None:
    print(f"{'phase':<26}{'conc':>6}{'ok':>6}{'err':>5}{'per s':>9}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for r in rows:
        print(f"{r['phase']:<26}{r['concurrency']:>6}{r['ok']:>6}{r['errors']:>5}{r['per_s']:>9}"
              f"{r['p50']:>9}{r['p95']:>9}{r['p99']:>9}{r['max']:>9}")


def chart(rows: list[dict], path: str, open_cases: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for phase, colour in (("API decision", "tab:blue"), ("raw execute_update", "tab:orange"),
                          ("direct case update", "tab:green")):
        mine = sorted((r for r in rows if r["phase"] == phase), key=lambda r: r["concurrency"])
        if not mine:
            continue
        xs = [r["concurrency"] for r in mine]
        for q, style in (("p50", ":"), ("p95", "--"), ("p99", "-")):
            ax.plot(xs, [r[q] for r in mine], style, marker="o", color=colour,
                    label=f"{phase} {q}")
    ax.set_xlabel("concurrent clients")
    ax.set_ylabel("latency (ms)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(f"Decision round trip, {open_cases} open cases")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


async def main(args: argparse.Namespace) -> None:
    rows: list[dict] = []
    levels = [int(c) for c in args.concurrency.split(",")]
    rng = random.Random(args.seed)
    async with running_stack(
        log_level=args.log_level, profile=args.profile, api_app=args.api_app,
        database=args.database, settings_env=settings_env(args),
    ) as stack, baseline_worker(stack.client), httpx.AsyncClient(
        base_url=stack.base_url, headers=stack.headers("caseworker"), timeout=60,
        limits=httpx.Limits(max_connections=max(levels) + 5),
    ) as http:
        case_ids: list[str] = []

        async def open_case(_: int) -> None:
            r = await http.post("/cases", json=CASE_JSON,
                                headers={"Idempotency-Key": str(uuid.uuid4())})
            if r.status_code != 201:
                raise RuntimeError(f"{r.status_code} {r.text[:200]}")
            case_ids.append(r.json()["id"])

        lat, wall, errors = await bounded(args.cases, 20, open_case)
        rows.append(row("setup: open cases", 20, lat, wall, errors))
        handles = []

        async def open_trivial(_: int) -> None:
            handles.append(await stack.client.start_workflow(
                TrivialUpdateWorkflow.run, id=f"trivial-upd-{uuid.uuid4()}",
                task_queue=TASK_QUEUE,
            ))

        lat, wall, errors = await bounded(args.cases, 20, open_trivial)
        rows.append(row("setup: open trivial", 20, lat, wall, errors))

        async def decision(_: int) -> None:
            r = await http.post(f"/cases/{rng.choice(case_ids)}/counselling-sessions",
                                json=COUNSELLING)
            if r.status_code != 200:
                raise RuntimeError(f"{r.status_code} {r.text[:200]}")

        async def raw_update(_: int) -> None:
            await rng.choice(handles).execute_update(TrivialUpdateWorkflow.bump, "note")

        counselling = RecordCounsellingInput(
            session=CounsellingSession.model_validate(COUNSELLING),
            actor=Actor(id="caseworker", role=Role.CASEWORKER),
        )

        async def direct_update(_: int) -> None:
            # The same update on the case workflow, without the API: splits the gap
            # between API and raw into "HTTP/API layer" and "case workflow + worker".
            await stack.client.get_workflow_handle(
                workflow_id(rng.choice(case_ids))
            ).execute_update(ReturnCaseWorkflow.record_counselling, counselling)

        await bounded(20, 5, decision)  # warm up
        await bounded(20, 5, raw_update)
        phases = [("API decision", decision), ("raw execute_update", raw_update)]
        if args.direct:
            phases.append(("direct case update", direct_update))
        for i, conc in enumerate(levels):
            n = args.requests_single if conc == 1 else args.requests
            for name, op in phases if i % 2 == 0 else phases[::-1]:
                before = stack.cpu()
                lat, wall, errors = await bounded(n, conc, op)
                # The phase's last projections count in it, not in the next phase (before,
                # the raw updates after the case's were charged with their tail).
                await until_quiet(stack, 0.3)
                rows.append(row(name, conc, lat, wall, errors) |
                            {"cpu_ms_per_op": cpu_per_op(before, stack.cpu(), len(lat))})

    verdicts = {}
    for conc in levels:
        api = next(r for r in rows if r["phase"] == "API decision" and r["concurrency"] == conc)
        raw = next(r for r in rows
                   if r["phase"] == "raw execute_update" and r["concurrency"] == conc)
        verdicts[conc] = {
            "p99_ratio": round(api["p99"] / raw["p99"], 2) if raw["p99"] else None,
            "p99_met": api["p99"] <= P99_FACTOR * raw["p99"],
            "throughput_ratio": round(api["per_s"] / raw["per_s"], 2) if raw["per_s"] else None,
            "throughput_met": api["per_s"] >= THROUGHPUT_FACTOR * raw["per_s"],
        }
    print_table(rows)
    print_cpu(rows)
    print()
    for conc, v in verdicts.items():
        line = (f"{conc:>3} clients: p99 API/raw = {v['p99_ratio']} (target <= {P99_FACTOR}) "
                f"{'MET' if v['p99_met'] else 'MISSED'}; throughput API/raw = "
                f"{v['throughput_ratio']}")
        if conc == max(levels):
            line += (f" (target >= {THROUGHPUT_FACTOR}) "
                     f"{'MET' if v['throughput_met'] else 'MISSED'}")
        print(line)
    RESULTS.mkdir(parents=True, exist_ok=True)
    png = RESULTS / f"{args.name}.png"
    try:
        chart([r for r in rows if not r["phase"].startswith("setup")], str(png), args.cases)
    except ModuleNotFoundError:  # the figures are written all the same
        print("no chart: matplotlib is in the bench extra (pip install -e '.[bench]')")
    path = write_result(args.name, {"rows": rows, "verdicts": verdicts, "params": vars(args),
                                    "targets": {"p99_factor": P99_FACTOR,
                                                "throughput_factor": THROUGHPUT_FACTOR}})
    print(f"written {path} and {png}")


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cases", type=int, default=1000, help="open cases (and trivial workflows)")
    p.add_argument("--concurrency", default="1,20", help="comma-separated client counts")
    p.add_argument("--requests", type=int, default=1000, help="decisions per phase, >1 client")
    p.add_argument("--requests-single", type=int, default=300, help="decisions per phase, 1 client")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-direct", dest="direct", action="store_false",
                   help="skip the direct execute_update on the case workflows (no API)")
    p.add_argument("--log-level", default="INFO", help="HOMEWARD_LOG_LEVEL of worker and API")
    p.add_argument("--timeout", type=float, default=900, help="hard limit of the whole run")
    p.add_argument("--name", default="bench_decisions", help="results/<name>.json and .png")
    p.add_argument("--api-app", default="api.main:app_factory",
                   help="uvicorn factory of the API (bench.variants has experiments)")
    p.add_argument("--profile", type=Path, default=None,
                   help="directory for py-spy samples of the API and the worker")
    add_set_option(p)
    p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                   help="the API's and worker's database (postgresql: a throw-away cluster)")
    p.add_argument("--quick", action="store_true", help="100 cases, 100/60 requests per phase")
    args = p.parse_args()
    if args.quick:
        args.cases, args.requests, args.requests_single = 100, 100, 60
        if args.name == "bench_decisions":
            args.name = "bench_decisions_quick"
    args.cases, args.requests = min(args.cases, 5000), min(args.requests, 10000)
    return args


if __name__ == "__main__":
    arguments = parse()
    run_bench(main(arguments), arguments.timeout)
