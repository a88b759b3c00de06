"""Case notes: written by staff, read newest first with the author, changed by the author
for a while and then fixed, restricted ones absent to whoever may not see them; audited and
in the subject access export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.notes import CaseNote
from tests.factories import CASE_JSON
from tests.tokens import bearer


async def new_case(api: httpx.AsyncClient) -> str:
    r = await api.post("/cases", json=CASE_JSON)  # opened (and so assigned) by "caseworker"
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def written_ago(engine: Engine, note_id: str, minutes: float) -> None:
    """The clock moved on: the note was written this long ago."""
    with Session(engine) as session:
        session.execute(update(CaseNote).where(col(CaseNote.id) == note_id).values(
            created_at=datetime.now(UTC) - timedelta(minutes=minutes)
        ))
        session.commit()


async def test_notes_are_listed_newest_first_with_their_authors_and_the_read_audited(
    api: httpx.AsyncClient, engine: Engine,
) -> None:
    case_id = await new_case(api)
    first = await api.post(f"/cases/{case_id}/notes", json={"text": "called the embassy"})
    assert first.status_code == 201, first.text
    written_ago(engine, first.json()["id"], 5)
    r = await api.post(f"/cases/{case_id}/notes", json={"text": "  family agrees  "},
                       headers=bearer("supervisor"))
    assert r.status_code == 201
    assert (await api.post(f"/cases/{case_id}/notes", json={"text": "   "})).status_code == 422
    assert (await api.post("/cases/nope/notes", json={"text": "x"})).status_code == 404

    r = await api.get(f"/cases/{case_id}/notes")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert [(n["text"], n["author_id"], n["author_name"]) for n in body["data"]] == [
        ("family agrees", "supervisor", "Māra Supervisor"),
        ("called the embassy", "caseworker", "Anna Caseworker"),
    ]
    audit = (await api.get(f"/cases/{case_id}/audit", headers=bearer("auditor"))).json()
    actions = [(e["action"], e["actor_id"], e["outcome"]) for e in audit["data"]]
    assert ("POST /cases/{case_id}/notes", "caseworker", "success") in actions
    assert ("GET /cases/{case_id}/notes", "caseworker", "success") in actions


async def test_the_author_may_change_a_note_for_a_while_then_it_is_fixed(
    api: httpx.AsyncClient, engine: Engine,
) -> None:
    case_id = await new_case(api)
    note = (await api.post(f"/cases/{case_id}/notes", json={"text": "draft"})).json()
    url = f"/cases/{case_id}/notes/{note['id']}"
    assert datetime.fromisoformat(note["editable_until"]) - datetime.fromisoformat(
        note["created_at"]) == timedelta(minutes=15)  # HOMEWARD_NOTE_EDIT_MINUTES' default

    written_ago(engine, note["id"], 14)
    r = await api.patch(url, json={"text": "final wording", "restricted": True})
    assert r.status_code == 200, r.text
    assert (r.json()["text"], r.json()["restricted"]) == ("final wording", True)
    assert r.json()["edited_at"] is not None
    r = await api.patch(url, json={"text": "mine now"}, headers=bearer("supervisor"))
    assert r.status_code == 403 and "only its author" in r.json()["detail"]

    written_ago(engine, note["id"], 16)
    r = await api.patch(url, json={"text": "too late"})
    assert r.status_code == 409
    assert r.json()["detail"].startswith("this note is fixed: a note may be changed for 15 minutes")
    [kept] = (await api.get(f"/cases/{case_id}/notes")).json()["data"]
    assert kept["text"] == "final wording"
    assert (await api.patch(f"/cases/{case_id}/notes/nope", json={"text": "x"})).status_code == 404


async def test_a_restricted_note_is_absent_to_other_caseworkers(api: httpx.AsyncClient) -> None:
    case_id = await new_case(api)  # assigned to "caseworker"
    by_supervisor = await api.post(
        f"/cases/{case_id}/notes", json={"text": "disclosed trafficking", "restricted": True},
        headers=bearer("supervisor"),
    )
    await api.post(f"/cases/{case_id}/notes", json={"text": "open note"})

    def texts(r: httpx.Response) -> list[str]:
        assert r.status_code == 200, r.text
        return [n["text"] for n in r.json()["data"]]

    url = f"/cases/{case_id}/notes"
    assert texts(await api.get(url)) == ["open note", "disclosed trafficking"]  # the assignee
    assert texts(await api.get(url, headers=bearer("supervisor2"))) == [
        "open note", "disclosed trafficking"]
    other = bearer("caseworker2")
    assert texts(await api.get(url, headers=other)) == ["open note"]
    assert (await api.get(url, headers=other)).json()["count"] == 1
    # Absent, not forbidden: changing it is "not found" too.
    r = await api.patch(f"{url}/{by_supervisor.json()['id']}", json={"text": "x"}, headers=other)
    assert r.status_code == 404
    assert (await api.get(url, headers=bearer("auditor"))).status_code == 403


async def test_the_subject_access_export_lists_the_case_notes(api: httpx.AsyncClient) -> None:
    case_id = await new_case(api)
    await api.post(f"/cases/{case_id}/notes", json={"text": "first contact"})
    await api.post(f"/cases/{case_id}/notes", json={"text": "medical", "restricted": True},
                   headers=bearer("supervisor"))
    [principal] = (await api.get(f"/cases/{case_id}/household")).json()
    r = await api.get(f"/people/{principal['id']}/export", headers=bearer("admin"))
    assert r.status_code == 200, r.text
    assert [(n["text"], n["author_name"], n["restricted"]) for n in r.json()["notes"]] == [
        ("first contact", "Anna Caseworker", False), ("medical", "Māra Supervisor", True),
    ]
