"""GET /cases/{id}/timeline, GET /notifications and POST /notifications/{id}/read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.case_timeline import read_timeline
from models.enums import Role, TimelineKind
from models.timeline import Notification, TimelineEntry
from models.users import User
from tests.api.decision_cases import case_in_eligibility
from tests.tokens import bearer

SUPERVISOR, AUDITOR = bearer("supervisor"), bearer("auditor")


async def timeline_until(api: httpx.AsyncClient, case_id: str, n: int) -> list[dict[str, Any]]:
    """The timeline once it has ``n`` entries (written with the workflow's projection)."""
    for _ in range(100):
        r = await api.get(f"/cases/{case_id}/timeline", headers=AUDITOR)
        assert r.status_code == 200, r.text
        if r.json()["count"] >= n:
            return r.json()["data"]  # type: ignore[no-any-return]
        await asyncio.sleep(0.05)
    raise AssertionError(r.json())


async def test_the_timeline_shows_who_decided_what_when_and_why(
    api: httpx.AsyncClient, users: dict[str, User]
) -> None:
    case_id = await case_in_eligibility(api)
    r = await api.post(
        f"/cases/{case_id}/eligibility/assessment", json={"eligible": True, "notes": "rejected"}
    )
    assert r.is_success, r.text
    r = await api.post(
        f"/cases/{case_id}/eligibility/decision",
        json={"approve": True, "reason": "meets the criteria"}, headers=SUPERVISOR,
    )
    assert r.is_success, r.text

    entries = await timeline_until(api, case_id, 7)
    assert [(e["kind"], e["summary"], e["actor_id"]) for e in entries] == [
        ("stage_change", "stage: intake", None),
        ("note", "counselling session held on 2026-01-05", "caseworker"),
        ("decision", "intake completed", "caseworker"),
        ("stage_change", "stage: eligibility", None),
        ("decision", "eligibility assessed: eligible", "caseworker"),
        ("decision", "eligibility assessment approved", "supervisor"),
        ("stage_change", "stage: consent", None),
    ]
    approval = entries[5]
    assert approval["actor_role"] == "supervisor"
    assert approval["actor_name"] == users["supervisor"].full_name
    assert approval["details"] == {"reason": "meets the criteria"}
    assert entries[0]["at"] <= approval["at"]
    assert "Beridze" not in str(entries) and "Giorgi" not in str(entries)
    assert (await api.get("/cases/no-such-case/timeline")).status_code == 404


def notify(engine: Engine, user_id: str, key: str, subject: str) -> int:
    with Session(engine) as session:
        row = Notification(
            user_id=user_id, case_id="c1", reminder_key=key, subject=subject, body="awaited"
        )
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


async def test_each_user_sees_and_marks_read_only_their_own_notifications(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    first = notify(engine, "caseworker", "c1:3", "LV-1: chase the embassy")
    second = notify(engine, "caseworker", "c1:9", "LV-1: embassy deadline reached")
    theirs = notify(engine, "caseworker2", "c1:9", "LV-1: embassy deadline reached")

    mine = (await api.get("/notifications")).json()
    assert [n["id"] for n in mine["data"]] == [second, first]  # newest first
    assert (mine["count"], mine["unread"]) == (2, 2)

    r = await api.post(f"/notifications/{first}/read")
    assert r.status_code == 200 and r.json()["read_at"] is not None
    unread = (await api.get("/notifications", params={"unread": True})).json()
    assert [n["subject"] for n in unread["data"]] == ["LV-1: embassy deadline reached"]
    assert unread["unread"] == 1

    assert (await api.post(f"/notifications/{theirs}/read")).status_code == 404
    assert (await api.post("/notifications/999999/read")).status_code == 404
    other = (await api.get("/notifications", headers=bearer("caseworker2"))).json()
    assert [(n["id"], n["read_at"]) for n in other["data"]] == [(theirs, None)]


def test_the_timeline_names_the_people_a_summary_refers_to(engine: Engine) -> None:
    # Real user ids are uuids; the workflow writes them into summaries it cannot name.
    with Session(engine, expire_on_commit=False) as session:
        anna = User(username="anna", full_name="Anna Ozola", role=Role.CASEWORKER,
                    password_hash="x")
        boss = User(username="boss", full_name="Ilze Kalniņa", role=Role.SUPERVISOR,
                    password_hash="x")
        session.add_all([anna, boss])
        session.add(TimelineEntry(
            case_id="c1", seq=1, entry_key="c1:1", at=datetime.now(UTC),
            kind=TimelineKind.DECISION, actor_id=boss.id, actor_role="supervisor",
            summary=f"case assigned to {anna.id} (was {UNKNOWN})",
        ))
        session.commit()
        [entry] = read_timeline(session, "c1")
    assert entry.actor_name == "Ilze Kalniņa"
    assert entry.summary == f"case assigned to Anna Ozola (was {UNKNOWN})"


UNKNOWN = "0b1e7d3c-5f2a-4c1d-9e8f-123456789abc"  # a user id no longer in the database
