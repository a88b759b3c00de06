"""The same POST /cases with the same Idempotency-Key, sent 20 times at once: one case."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models.tables import Case
from tests.factories import CASE_JSON

TWINS = 20


async def test_concurrent_twins_open_exactly_one_case(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    key = "fault-twins-1"
    responses = await asyncio.wait_for(
        asyncio.gather(
            *(api.post("/cases", json=CASE_JSON, headers={"Idempotency-Key": key})
              for _ in range(TWINS))
        ),
        timeout=60,
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (TWINS - 1) + [201], [r.text[:200] for r in responses]
    ids = {r.json()["id"] for r in responses}
    references = {r.json()["reference"] for r in responses}
    assert len(ids) == 1 and len(references) == 1
    with Session(engine) as session:
        assert session.exec(
            select(func.count()).select_from(Case).where(Case.idempotency_key == key)
        ).one() == 1
        assert session.exec(select(func.count()).select_from(Case)).one() == 1
    # The one case has its one workflow, and the API serves it.
    case_id = ids.pop()
    r = await api.get(f"/cases/{case_id}")
    assert r.status_code == 200 and r.json()["live"] is not None
