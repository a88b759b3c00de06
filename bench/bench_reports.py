"""Latency of a project's budget, its year's donor report and a budget reservation with many
cases (default 10,000; issue 25 measured 100,000).

    .venv/bin/python -m bench.bench_reports                  # 10,000 cases, 20 runs each
    .venv/bin/python -m bench.bench_reports --cases 100000   # the issue's size (minutes)
    .venv/bin/python -m bench.bench_reports --database-url postgresql+psycopg://...  # empty DB

The cases are inserted by bench/lists.py's table filler (no workflows), then given two
years of history, household members, costs and budget commitments by bench/reports_data.py
(two in ten closed, five in ten departed, 1.3 commitments per case; the reintegrated
ones a plan of two components and their scored visits, and one outreach contact per ten
cases). The API app runs in
process (httpx over ASGI; no Temporal: these routes do not use it). Times, after two
warm-ups, ``--runs`` rounds of (one after the other, round-robin): ``GET
/projects/{id}/budget``, the year's report as JSON, CSV and XLSX, the reports page (report
and budget together); then ``reserve_budget`` (the approval's activity body: the project row
locked, the figures read, the case's grant commitment replaced, committed) on a different
open case each time, and the figures it reads under the lock on their own. Prints p50/p95/max
and the CPU p50 of this process, and writes them to bench/results/bench_reports_<cases>.json
(``--output``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import Session, col

from activities.costs import budget_figures, reserve_budget
from api.main import create_app
from bench.lists import project_directly
from bench.reports_data import fill_history
from bench.scratch import add_demo_users
from bench.stack import percentiles
from core.db import build_engine
from core.migrate import upgrade
from core.security import create_access_token
from core.settings import Settings
from models.costs import BudgetCommitment
from models.enums import CaseStatus, CostCategory, Fund, Role
from models.funding import BudgetCheckInput
from models.schemas_projects import with_required_targets
from models.tables import Case, Project

RESULTS = Path(__file__).parent / "results"


def make_project(session: Session) -> Project:
    today = datetime.now(UTC).date()
    project = Project(
        id=str(uuid.uuid4()), fund=Fund.AMIF, code="BENCH-25", title="Reports benchmark",
        period_start=today - timedelta(days=800), period_end=today + timedelta(days=365),
        currency="EUR", total_budget=Decimal("900000000.00"),
        eu_share_percent=Decimal("75.00"), national_share_percent=Decimal("25.00"),
        targets=with_required_targets({"persons_returned": 100_000, "cases_opened": 50_000}),
    )
    session.add(project)
    session.commit()
    session.refresh(project)
    return project


def check_budget(session: Session, project: Project) -> dict[str, str]:
    """The running totals against one aggregate over the ledger, computed here."""
    figures = budget_figures(session, project)
    cents = "CAST(ROUND({} * 100) AS BIGINT)"
    consumed = session.execute(sa.text(
        f"SELECT COALESCE(SUM({cents.format('amount')}), 0) FROM costs WHERE project_id = :p"
    ), {"p": project.id}).scalar_one()
    committed = session.execute(sa.text(
        "SELECT COALESCE(SUM(CASE WHEN a > b THEN a - b ELSE 0 END), 0) FROM ("
        f" SELECT {cents.format('bc.amount')} AS a, (SELECT COALESCE(SUM("
        f"{cents.format('k.amount')}), 0) FROM costs k WHERE k.case_id = bc.case_id"
        " AND k.category = bc.category) AS b FROM budget_commitments bc"
        " JOIN cases c ON c.id = bc.case_id WHERE bc.project_id = :p AND c.status <> 'closed'"
        ") AS o"), {"p": project.id}).scalar_one()
    assert figures.consumed == Decimal(int(consumed)) / 100, (figures.consumed, consumed)
    assert figures.committed == Decimal(int(committed)) / 100, (figures.committed, committed)
    return {"consumed": str(figures.consumed), "committed": str(figures.committed),
            "remaining": str(figures.remaining)}


Sample = tuple[float, float]  # wall seconds, CPU seconds of this process


def measured(what: Callable[[], Any]) -> tuple[Any, Sample]:
    w0, c0 = time.perf_counter(), time.process_time()
    result = what()
    return result, (time.perf_counter() - w0, time.process_time() - c0)


async def timed_gets(http: httpx.AsyncClient, gets: dict[str, tuple[str, dict[str, Any]]],
                     headers: dict[str, str], runs: int) -> dict[str, list[Sample]]:
    """Round-robin over the requests, ``runs`` rounds after two warm-ups: on a shared
    machine, a burst of load then falls on every request alike."""
    samples: dict[str, list[Sample]] = {name: [] for name in gets}
    for i in range(runs + 2):
        for name, (url, params) in gets.items():
            w0, c0 = time.perf_counter(), time.process_time()
            r = await http.get(url, headers=headers, params=params)
            sample = (time.perf_counter() - w0, time.process_time() - c0)
            assert r.status_code == 200, r.text[:500]
            if i >= 2:
                samples[name].append(sample)
    return samples


def timed_reservations(engine: Any, project: Project, cases: list[str], runs: int
                       ) -> dict[str, list[Sample]]:
    """Each run replaces an open case's grant commitment by the same amount (it fits): the
    whole call (the project row locked, the figures read, the commitment written, the
    commit), and the figures alone as the call reads them under the lock."""
    samples: dict[str, list[Sample]] = {"reserve_budget": [], "figures under the lock": []}
    with Session(engine) as session:
        amounts = dict(session.execute(
            sa.select(BudgetCommitment.case_id, BudgetCommitment.amount)
            .where(col(BudgetCommitment.case_id).in_(cases[:runs + 2]))
            .where(col(BudgetCommitment.category) == CostCategory.CASH_GRANT)).all())
    for i, case_id in enumerate(cases[:runs + 2]):
        data = BudgetCheckInput(case_id=case_id, category=CostCategory.CASH_GRANT,
                                amount=Decimal(amounts[case_id]))
        with Session(engine) as session:
            _, read = measured(partial(budget_figures, session, project,
                                       leave_out=(data.case_id, data.category)))
        with Session(engine) as session:
            figures, call = measured(partial(reserve_budget, session, data))
        assert figures.reserved, figures
        if i >= 2:
            samples["figures under the lock"].append(read)
            samples["reserve_budget"].append(call)
    return samples


def once(what: Callable[[], Any]) -> tuple[Any, float]:
    result, (wall, _) = measured(what)
    return result, round(wall, 1)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="homeward-reports-") as tmp:
        settings = Settings(
            data_dir=Path(tmp), temporal_task_queue="bench-reports", log_level="WARNING",
            database_url=args.database_url or f"sqlite:///{tmp}/homeward.db",
            _env_file=None,  # type: ignore[call-arg]
        )
        engine = build_engine(settings)
        upgrade(engine)
        with Session(engine, expire_on_commit=False) as session:
            project = make_project(session)
            add_demo_users(session)
        print(f"inserting {args.cases} cases (bench/lists.py) ...", flush=True)
        _, insert_s = once(lambda: project_directly(engine, project.id, args.cases))
        print(f"  {insert_s}s; their history, people, costs and commitments ...", flush=True)
        history, history_s = once(lambda: fill_history(engine, project.id))
        print(f"  {history_s}s: {history.members} people, {history.costs} costs, "
              f"{history.commitments} commitments", flush=True)
        with Session(engine) as session:
            budget = check_budget(session, project)
            closed = session.execute(sa.select(sa.func.count()).select_from(Case).where(
                col(Case.status) == CaseStatus.CLOSED)).scalar_one()
        token = create_access_token(settings, "supervisor", Role.SUPERVISOR)[0]
        auth = {"Authorization": f"Bearer {token}"}
        today = datetime.now(UTC).date()
        year = {"start": (today - timedelta(days=364)).isoformat(), "end": today.isoformat()}
        app = create_app(settings)
        app.state.engine = engine
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
            timeout=600,
        ) as http:
            report = (await http.get(f"/projects/{project.id}/report", headers=auth,
                                     params=year)).json()
            url = f"/projects/{project.id}"
            phases = await timed_gets(http, {
                "GET budget": (f"{url}/budget", {}),
                "report, year, JSON": (f"{url}/report", year),
                "report, year, CSV": (f"{url}/report", {**year, "format": "csv"}),
                "report, year, XLSX": (f"{url}/report", {**year, "format": "xlsx"}),
                "/ui/reports (year)": ("/ui/reports", {**year, "project_id": project.id}),
            }, auth, args.runs)
        phases |= timed_reservations(engine, project, history.open_departed or [], args.runs)
        engine.dispose()
    rows = {name: percentiles([w for w, _ in samples]) | {
        "cpu_p50": percentiles([c for _, c in samples])["p50"]} for name, samples in phases.items()}
    print(f"\n{args.cases} cases ({closed} closed), {history.members} people, "
          f"{history.costs} costs, {history.commitments} commitments; the year's report: "
          f"{report['cases_returned']} cases / {report['persons_returned']} persons returned; "
          f"{args.runs} rounds after 2 warm-ups (ms; CPU: this process, which runs the API, "
          "and SQLite when it is the database):")
    print(f"{'operation':<24}{'p50':>9}{'p95':>9}{'max':>9}{'CPU p50':>9}")
    for name, p in rows.items():
        print(f"{name:<24}{p['p50']:>9}{p['p95']:>9}{p['max']:>9}{p['cpu_p50']:>9}")
    output = Path(args.output or RESULTS / f"bench_reports_{args.cases}.json")
    output.write_text(json.dumps({
        "cases": args.cases, "closed": closed, "members": history.members,
        "costs": history.costs, "commitments": history.commitments, "runs": args.runs,
        "database": "postgresql" if args.database_url else "sqlite",
        "insert_s": insert_s, "history_s": history_s, "budget": budget,
        "year": year, "cases_returned": report["cases_returned"],
        "persons_returned": report["persons_returned"],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": platform.platform(), "ms": rows,
    }, indent=2) + "\n")
    print(f"written to {output}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="an empty database (SQLite in a "
                        "temporary directory by default)")
    parser.add_argument("--output", default=None, help="where to write the figures (JSON)")
    asyncio.run(main(parser.parse_args()))

