"""50 cases in flight through the API while the only worker process is SIGKILLed at random
moments four times and restarted: every case reaches its stage, the projection agrees, no grant
is paid twice (the payment simulator's ledger, kept in a file across the killed workers) and no
timeline entry is duplicated or lost.

Half the cases go through intake (counselling twice, intake complete); the other half are
waiting at the airport (their workflow carries a state booked for today, as after
continue-as-new) and the border guard confirms their departure, which pays the cash grant.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.payments import read_ledger
from api.main import create_app
from core.settings import Settings
from models.enums import BookingStatus, GrantStatus, Relationship, Sex, Stage
from models.payloads import (
    Booking,
    CaseState,
    CaseWorkflowInput,
    Consent,
    Grant,
    Traveller,
)
from models.tables import Case
from models.timeline import TimelineEntry
from models.users import User
from tests.e2e.test_workers import spawn_worker, wait_for_pollers
from tests.factories import CASE_JSON, insert_case
from tests.faults.retrying import post
from tests.tokens import bearer
from workflows.return_case import ReturnCaseWorkflow, workflow_id

pytestmark = pytest.mark.e2e
CASES = 50  # half through intake, half departing
KILLS = 4
SESSIONS = 2
COUNSELLING = {"held_on": "2026-02-01", "place": "Riga", "language": "ru"}


async def drive(api: httpx.AsyncClient, n: int, rng: random.Random) -> str:
    r = await post(api, "/cases", json=CASE_JSON, headers={"Idempotency-Key": f"kill-{n}"})
    assert r.status_code in (200, 201), r.text
    case_id: str = r.json()["id"]
    for _ in range(SESSIONS):
        await asyncio.sleep(rng.uniform(0, 0.8))
        r = await post(api, f"/cases/{case_id}/counselling-sessions", json=COUNSELLING)
        assert r.status_code == 200, r.text
    await asyncio.sleep(rng.uniform(0, 0.8))
    r = await post(api, f"/cases/{case_id}/intake/complete")
    # 409 only if an earlier attempt went through before its answer was lost.
    assert r.status_code == 200 or "intake" in r.text, r.text
    return case_id


async def booked_for_today(dev_env: WorkflowEnvironment, settings: Settings,
                           engine: Engine) -> str:
    """A case at the airport: every decision made, grant approved, flight today."""
    case = insert_case(engine)
    today = datetime.now(UTC).date()
    state = CaseState(
        case_id=case.id, reference=case.reference, stage=Stage.TRAVEL,
        country_of_origin=case.country_of_origin, legal_situation=case.legal_situation,
        location_type=case.location_type,
        household=[Traveller(member_id=f"{case.id}-1", relationship=Relationship.PRINCIPAL,
                             sex=Sex.FEMALE, is_minor=False, nationality="GE")],
        consent=Consent(declaration_signed_on=today, share_with_authorities=True,
                        share_with_partner=False, witnessed_by="N. K.", recorded_by="caseworker"),
        grant=Grant(lines=[], amount=Decimal("300.00"), currency="EUR",
                    status=GrantStatus.APPROVED, proposed_by="caseworker",
                    decided_by="supervisor", payment_id=f"pay-{case.id[:8]}"),
        bookings=[Booking(booking_ref=f"BK-{case.id[:8]}", departure_date=today, flight="BT 123",
                          escort=False, transit_assistance=False, requested_on=today)],
    )
    await dev_env.client.start_workflow(
        ReturnCaseWorkflow.run,
        CaseWorkflowInput(case_id=case.id, reference=case.reference,
                          country_of_origin=case.country_of_origin,
                          legal_situation=case.legal_situation,
                          location_type=case.location_type, state=state),
        id=workflow_id(case.id), task_queue=settings.temporal_task_queue,
    )
    return case.id


async def depart(api: httpx.AsyncClient, case_id: str, rng: random.Random) -> str:
    await asyncio.sleep(rng.uniform(0, 2.0))
    r = await post(api, f"/cases/{case_id}/departure", headers=bearer("borderguard"), json={
        "booking_ref": f"BK-{case_id[:8]}", "departed_on": datetime.now(UTC).date().isoformat()})
    # 409 only if an earlier attempt went through before its answer was lost.
    assert r.status_code == 200 or "'departed'" in r.text, r.text
    return case_id


async def test_cases_survive_a_worker_killed_four_times(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, tmp_path: Path,
    users: dict[str, User],
) -> None:
    rng = random.Random(10)
    workers: list[subprocess.Popen[bytes]] = []
    ledger = tmp_path / "payments-ledger.jsonl"
    simulators = json.dumps({"payments": {"ledger_path": str(ledger)}})

    def start_worker() -> None:
        workers.append(spawn_worker(dev_env, settings, tmp_path / f"worker-{len(workers)}.log",
                                    {"HOMEWARD_SIMULATORS": simulators}))

    async def killer() -> None:
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(0.2, 1.5))
            workers[-1].send_signal(signal.SIGKILL)
            workers[-1].wait(timeout=10)
            await asyncio.sleep(rng.uniform(0.1, 1.0))
            start_worker()

    start_worker()
    await wait_for_pollers(dev_env, settings.temporal_task_queue, 1)
    departing = [await booked_for_today(dev_env, settings, engine) for _ in range(CASES // 2)]
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    started = time.monotonic()
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://homeward.test", timeout=30,
            headers=bearer("caseworker"),
        ) as api:
            results = await asyncio.wait_for(
                asyncio.gather(
                    killer(),
                    *(drive(api, n, rng) for n in range(CASES - len(departing))),
                    *(depart(api, case_id, rng) for case_id in departing),
                ),
                # Usually ~40 s. A kill during an external call (the grant payment inside the
                # departure update) leaves it to its 45-second start-to-close timeout before
                # another worker retries it: allow for a few such waits.
                timeout=240,
            )
            ids = results[1:]
            intake = ids[: CASES - len(departing)]
            assert len(set(ids)) == CASES
            assert all(w.returncode == -signal.SIGKILL for w in workers[:KILLS])

            live = {}
            for case_id in ids:
                r = await api.get(f"/cases/{case_id}")
                assert r.status_code == 200
                live[case_id] = r.json()["live"]
            assert {live[i]["stage"] for i in intake} == {"eligibility"}
            assert all(len(live[i]["counselling_sessions"]) >= SESSIONS for i in intake)
            assert {live[i]["stage"] for i in departing} == {"departed"}
            assert {live[i]["grant"]["status"] for i in departing} == {"paid"}
            assert all(live[i]["bookings"][0]["status"] == BookingStatus.FLOWN for i in departing)

        # The projection catches up with every workflow (retried projections included).
        deadline = time.monotonic() + 60
        while True:
            with Session(engine) as session:
                rows = {c.id: c for c in session.exec(select(Case)).all()}
            if all(rows[i].stage == live[i]["stage"]
                   and rows[i].projected_version == live[i]["version"] for i in ids):
                break
            assert time.monotonic() < deadline, {
                i: (rows[i].stage, rows[i].projected_version, live[i]["version"]) for i in ids
            }
            await asyncio.sleep(0.2)
        assert len(rows) == CASES

        # Each departing case paid exactly once; nobody else was paid.
        paid = Counter(entry.case_id for entry in read_ledger(ledger))
        assert paid == Counter(departing)
        assert {rows[i].grant_receipt_ref for i in departing} == {
            e.receipt_ref for e in read_ledger(ledger)
        }

        # Every timeline entry the workflows made is in the table once, none missing.
        for case_id in ids:
            final = await dev_env.client.get_workflow_handle(workflow_id(case_id)).query(
                ReturnCaseWorkflow.state
            )
            assert final.pending_timeline == []
            with Session(engine) as session:
                entries = session.exec(
                    select(TimelineEntry).where(TimelineEntry.case_id == case_id)
                ).all()
            assert sorted(e.seq for e in entries) == list(range(1, final.timeline_seq + 1))
            summaries = Counter(e.summary for e in entries)
            if case_id in departing:
                assert summaries["cash grant paid"] == 1
                assert sum(1 for s in summaries if s.startswith("departure confirmed")) == 1
            else:
                held = sum(n for s, n in summaries.items() if s.startswith("counselling session"))
                assert held == len(final.counselling_sessions)
                assert summaries["intake completed"] == 1
        print(f"{CASES} cases, {KILLS} kills, {time.monotonic() - started:.1f}s")
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait(timeout=30)
