"""Many open cases, some of them stuck, and the latency of the lists that read them.

Shared by ``tests/e2e/test_lists_at_scale.py`` (1,000 cases) and ``bench/bench_lists.py``
(10,000 by default). Cases are inserted in bulk and their workflows started directly (the API's
``POST /cases`` is measured by bench_create); every workflow projects its tasks and deadlines
like any case. Of every ten cases: one has a voluntary-departure deadline that has passed
(missed), one has it in three days (at risk), one runs with a zero-hour intake SLA (overdue);
the rest are fine. Caseworkers alternate between ``caseworker`` and ``caseworker2``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import Client

from activities.projection import refresh_due_columns
from api.case_service import start_case_workflow
from core.settings import Settings
from models.enums import LegalSituation, LocationType, Stage, TaskKind
from models.payloads import CaseState, CaseWorkflowInput
from models.policy import CasePolicy
from models.tables import Case
from models.tasks import CaseDeadline, CaseTask
from workflows import deadlines, tasks

COUNTRIES = ("GE", "UA", "MD", "AM", "UZ")
INTAKE_OVERDUE = CasePolicy().model_copy(
    update={"task_sla_hours": {**CasePolicy().task_sla_hours, TaskKind.COMPLETE_INTAKE: 0}}
)


@dataclass
class Expected:
    cases: int
    stuck: int
    missed: int
    at_risk: int
    overdue: int
    mine: int  # open tasks of cases assigned to "caseworker"
    started_s: float = 0.0  # wall time to start every workflow
    projected_s: float = 0.0  # ... until every case was projected


def _row(i: int, project_id: str, today: date) -> dict[str, object]:
    deadline = None
    if i % 10 == 0:
        deadline = today - timedelta(days=2)
    elif i % 10 == 1:
        deadline = today + timedelta(days=3)
    now = datetime.now(UTC)
    return {
        "id": str(uuid.uuid4()), "reference": f"BN-2026-{i:07d}", "project_id": project_id,
        "created_at": now, "updated_at": now, "stage": Stage.INTAKE,
        "country_of_origin": COUNTRIES[i % len(COUNTRIES)],
        "legal_situation": LegalSituation.IRREGULAR_STAY,
        "location_type": LocationType.RECEPTION_CENTRE,
        "voluntary_departure_deadline": deadline,
        "assignee_id": "caseworker" if i % 2 == 0 else "caseworker2",
    }


async def populate(
    engine: Engine, client: Client, settings: Settings, project_id: str, n: int,
    concurrency: int = 64, timeout: float = 1800,
) -> Expected:
    """Insert ``n`` cases, start their workflows, wait until every one is projected."""
    today = datetime.now(UTC).date()
    rows = [_row(i, project_id, today) for i in range(n)]
    with Session(engine) as session:
        for first in range(0, n, 1000):
            session.exec(insert(Case), params=rows[first:first + 1000])  # type: ignore[call-overload]
        session.commit()
        cases = {c.id: c for c in session.exec(select(Case).where(
            Case.id.in_([r["id"] for r in rows]))).all()}  # type: ignore[attr-defined]
    gate = asyncio.Semaphore(concurrency)
    t0 = time.monotonic()

    async def start(i: int, row: dict[str, object]) -> None:
        case = cases[str(row["id"])]
        data = CaseWorkflowInput(
            case_id=case.id, reference=case.reference, country_of_origin=case.country_of_origin,
            legal_situation=case.legal_situation, location_type=case.location_type,
            voluntary_departure_deadline=case.voluntary_departure_deadline,
            assignee_id=case.assignee_id, project_id=case.project_id,
            policy=INTAKE_OVERDUE if i % 10 == 2 else CasePolicy(),
        )
        async with gate:
            await start_case_workflow(client, settings, case, data)

    await asyncio.gather(*(start(i, r) for i, r in enumerate(rows)))
    started_s = time.monotonic() - t0
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as session:
            projected = session.exec(select(func.count()).select_from(CaseTask)).one()
        if projected >= n:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {projected} of {n} cases projected")
        await asyncio.sleep(0.5)
    return _expected(n, started_s, time.monotonic() - t0)


def _expected(n: int, started_s: float = 0.0, projected_s: float = 0.0) -> Expected:
    missed = sum(1 for i in range(n) if i % 10 == 0)
    at_risk = sum(1 for i in range(n) if i % 10 == 1)
    overdue = sum(1 for i in range(n) if i % 10 == 2)
    return Expected(cases=n, stuck=missed + at_risk + overdue, missed=missed, at_risk=at_risk,
                    overdue=overdue, mine=sum(1 for i in range(n) if i % 2 == 0),
                    started_s=round(started_s, 1), projected_s=round(projected_s, 1))


def project_directly(engine: Engine, project_id: str, n: int) -> Expected:
    """The same population without running the workflows: insert ``n`` cases and the task and
    deadline rows their workflows would project, computed by the workflow's own rules
    (``workflows.tasks.open_tasks``, ``workflows.deadlines.case_deadlines``) from the state a
    new case's workflow starts with. For list latency at sizes whose workflows would take
    hours to start on a small machine; ``populate`` runs the real thing."""
    t0 = time.monotonic()
    now = datetime.now(UTC)
    rows = [_row(i, project_id, now.date()) for i in range(n)]
    with Session(engine) as session:
        for first in range(0, n, 1000):
            batch = rows[first:first + 1000]
            session.exec(insert(Case), params=batch)  # type: ignore[call-overload]
            work: list[dict[str, object]] = []
            dues: list[dict[str, object]] = []
            for i, row in enumerate(batch, start=first):
                state = CaseState(
                    case_id=str(row["id"]), reference=str(row["reference"]),
                    country_of_origin=str(row["country_of_origin"]),
                    legal_situation=LegalSituation.IRREGULAR_STAY,
                    location_type=LocationType.RECEPTION_CENTRE,
                    voluntary_departure_deadline=row["voluntary_departure_deadline"],  # type: ignore[arg-type]
                    policy=INTAKE_OVERDUE if i % 10 == 2 else CasePolicy(),
                    assignee_id=str(row["assignee_id"]), project_id=project_id,
                )
                # Opened one after another (a millisecond apart), as real cases are: their
                # tasks' times differ, as the workflows' clocks would make them.
                opened = now - timedelta(milliseconds=n - i)
                work += [{"case_id": state.case_id, "assignee_id": state.assignee_id,
                          **t.model_dump()}
                         for t in tasks.open_tasks(state, opened)]
                dues += [{"case_id": state.case_id, **d.model_dump()}
                         for d in deadlines.case_deadlines(state)]
            session.exec(insert(CaseTask), params=work)  # type: ignore[call-overload]
            if dues:
                session.exec(insert(CaseDeadline), params=dues)  # type: ignore[call-overload]
            # The case columns the projection keeps with those rows (the stuck list's rank).
            refresh_due_columns(session, [str(row["id"]) for row in batch])
        session.commit()
    return _expected(n, projected_s=time.monotonic() - t0)


async def timed(http: httpx.AsyncClient, url: str, headers: dict[str, str],
                rounds: int, **params: object) -> tuple[list[float], dict]:  # type: ignore[type-arg]
    """``rounds`` sequential GETs; returns the latencies (s) and the last body."""
    samples, body = [], {}
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = await http.get(url, headers=headers, params=params)  # type: ignore[arg-type]
        samples.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.text
        body = r.json()
    return samples, body


def check_lists(expected: Expected, stuck: dict, tasks: dict, counts: dict) -> None:  # type: ignore[type-arg]
    """What the lists must say about the population ``populate`` made."""
    assert stuck["count"] == expected.stuck, (stuck["count"], expected)
    reasons = [r["reason"] for c in stuck["data"] for r in c["reasons"]]
    assert stuck["data"][0]["severity"] == "critical"
    # The page holds the most severe first: every missed deadline before any at-risk one.
    severities = [c["severity"] for c in stuck["data"]]
    assert severities == sorted(severities, key=["critical", "high", "medium"].index)
    if len(stuck["data"]) == expected.stuck:
        assert reasons.count("deadline_missed") == expected.missed
        assert reasons.count("deadline_at_risk") == expected.at_risk
        assert reasons.count("task_overdue") == expected.overdue
    assert tasks["count"] == expected.mine
    assert all(t["assignee_id"] == "caseworker" for t in tasks["data"])
    assert counts["total"] == expected.cases
    assert counts["data"] == [{"stage": "intake", "tasks": expected.cases,
                               "overdue": expected.overdue}]
