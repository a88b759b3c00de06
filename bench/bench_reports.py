"""Latency of a project's budget, its year's donor report and a budget reservation with many
cases (default 10,000; issue 25 measured 100,000).

    .venv/bin/python -m bench.bench_reports                  # 10,000 cases, 20 runs each
    .venv/bin/python -m bench.bench_reports --cases 100000   # the issue's size (minutes)
    .venv/bin/python -m bench.bench_reports --database-url postgresql+psycopg://...  # empty DB

The cases are inserted by bench/lists.py's table filler (no workflows), then given two
years of history, household members, costs and budget commitments by bench/reports_data.py
(two in ten closed, five in ten departed, 1.3 commitments per case). The API app runs in
process (httpx over ASGI; no Temporal: these routes do not use it). Times, after two
warm-ups, ``--runs`` sequential calls of: ``GET /projects/{id}/budget``, the year's report
as JSON, CSV and XLSX, the reports page (report and budget together), and
``reserve_budget`` (the approval's activity body: the project row locked, the figures read,
the case's grant commitment replaced, committed) on a different open case each time. Prints
p50/p95/max and writes them to bench/results/bench_reports_<cases>.json (``--output``).
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
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import Session, col

from activities.costs import budget_figures, reserve_budget
from api.main import create_app
from api.user_service import DEMO_PASSWORD, DEMO_USERS
from bench.lists import project_directly
from bench.reports_data import fill_history
from bench.stack import percentiles
from core.db import build_engine
from core.migrate import upgrade
from core.security import create_access_token, hash_password
from core.settings import Settings
from models.costs import BudgetCommitment
from models.enums import CaseStatus, CostCategory, Fund, Role
from models.funding import BudgetCheckInput
from models.schemas_projects import with_required_targets
from models.tables import Case, Project
from models.users import User

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


def add_users(session: Session) -> None:
    hashed = hash_password(DEMO_PASSWORD)  # argon2 is slow on purpose: once
    for u in DEMO_USERS:
        session.add(User(id=u.username, username=u.username, full_name=u.full_name,
                         role=u.role, partner_org=u.partner_org, password_hash=hashed))
    session.commit()


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


async def timed_get(http: httpx.AsyncClient, url: str, headers: dict[str, str], runs: int,
                    **params: object) -> list[float]:
    samples = []
    for i in range(runs + 2):
        t0 = time.perf_counter()
        r = await http.get(url, headers=headers, params=params)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - t0
        assert r.status_code == 200, r.text[:500]
        if i >= 2:  # two warm-ups
            samples.append(elapsed)
    return samples


def timed_reservations(engine: Any, cases: list[str], runs: int) -> list[float]:
    """Each run replaces an open case's grant commitment by the same amount (it fits)."""
    samples = []
    with Session(engine) as session:
        amounts = dict(session.execute(
            sa.select(BudgetCommitment.case_id, BudgetCommitment.amount)
            .where(col(BudgetCommitment.case_id).in_(cases[:runs + 2]))
            .where(col(BudgetCommitment.category) == CostCategory.CASH_GRANT)).all())
    for i, case_id in enumerate(cases[:runs + 2]):
        data = BudgetCheckInput(case_id=case_id, category=CostCategory.CASH_GRANT,
                                amount=Decimal(amounts[case_id]))
        with Session(engine) as session:
            t0 = time.perf_counter()
            figures = reserve_budget(session, data)
            elapsed = time.perf_counter() - t0
        assert figures.reserved, figures
        if i >= 2:
            samples.append(elapsed)
    return samples


def once(what: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    result = what()
    return result, round(time.perf_counter() - t0, 1)


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
            add_users(session)
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
            phases = {
                "GET budget": await timed_get(http, f"{url}/budget", auth, args.runs),
                "report, year, JSON": await timed_get(http, f"{url}/report", auth, args.runs,
                                                      **year),
                "report, year, CSV": await timed_get(http, f"{url}/report", auth, args.runs,
                                                     format="csv", **year),
                "report, year, XLSX": await timed_get(http, f"{url}/report", auth, args.runs,
                                                      format="xlsx", **year),
                "/ui/reports (year)": await timed_get(http, "/ui/reports", auth, args.runs,
                                                      project_id=project.id, **year),
            }
        phases["reserve_budget"] = timed_reservations(engine, history.open_departed or [],
                                                      args.runs)
        engine.dispose()
    rows = {name: percentiles(samples) for name, samples in phases.items()}
    print(f"\n{args.cases} cases ({closed} closed), {history.members} people, "
          f"{history.costs} costs, {history.commitments} commitments; the year's report: "
          f"{report['cases_returned']} cases / {report['persons_returned']} persons returned; "
          f"{args.runs} sequential runs after 2 warm-ups (ms):")
    print(f"{'operation':<22}{'p50':>9}{'p95':>9}{'max':>9}")
    for name, p in rows.items():
        print(f"{name:<22}{p['p50']:>9}{p['p95']:>9}{p['max']:>9}")
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

