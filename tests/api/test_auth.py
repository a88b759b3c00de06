"""Signing in, token expiry, lockout, user administration and the audit trail."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError

from api.main import create_app
from api.user_service import DEMO_PASSWORD
from core.security import create_access_token
from core.settings import Settings
from models.enums import Role
from models.users import User
from tests.api.decision_cases import COUNSELLING
from tests.factories import insert_case

Auth = Callable[[str], dict[str, str]]
ANONYMOUS = {"Authorization": ""}  # the api fixture signs in as the caseworker otherwise


async def login(api: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await api.post("/auth/token", data={"username": username, "password": password})


async def test_sign_in_and_who_am_i(api: httpx.AsyncClient, users: dict[str, User]) -> None:
    r = await login(api, "supervisor", DEMO_PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    me = await api.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "supervisor"
    assert me.json()["role"] == "supervisor"
    assert "password_hash" not in me.json()


async def test_signing_out_ends_every_token_of_the_user_and_a_new_sign_in_works(
    api: httpx.AsyncClient, users: dict[str, User], auth: Auth
) -> None:
    def bearer_of(r: httpx.Response) -> dict[str, str]:
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    laptop = bearer_of(await login(api, "supervisor", DEMO_PASSWORD))
    phone = bearer_of(await login(api, "supervisor", DEMO_PASSWORD))
    assert (await api.get("/auth/me", headers=phone)).status_code == 200

    assert (await api.post("/auth/logout", headers=laptop)).status_code == 204
    for headers in (laptop, phone):  # both sessions end, not only the one signing out
        r = await api.get("/auth/me", headers=headers)
        assert r.status_code == 401 and r.json()["detail"] == "signed out: sign in again"
    assert (await api.get("/auth/me", headers=auth("caseworker"))).status_code == 200

    # Signing in again, within the same second, gives a token that counts.
    again = bearer_of(await login(api, "supervisor", DEMO_PASSWORD))
    assert (await api.get("/auth/me", headers=again)).json()["username"] == "supervisor"
    trail = (await api.get("/audit", params={"action": "POST /auth/logout"},
                           headers=auth("auditor"))).json()
    assert [(e["actor_id"], e["outcome"]) for e in trail["data"]] == [
        (users["supervisor"].id, "success")]


async def test_wrong_password_and_unknown_user_look_the_same(
    api: httpx.AsyncClient, users: dict[str, User]
) -> None:
    wrong = await login(api, "supervisor", "not-the-password")
    unknown = await login(api, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_repeated_failures_lock_the_account_until_an_admin_unlocks(
    api: httpx.AsyncClient, users: dict[str, User], auth: Auth
) -> None:
    for _ in range(5):
        assert (await login(api, "caseworker", "guess-guess-guess")).status_code == 401
    locked = await login(api, "caseworker", DEMO_PASSWORD)
    assert locked.status_code == 423
    assert "locked" in locked.json()["detail"]
    assert int(locked.headers["Retry-After"]) > 0

    r = await api.patch(
        f"/users/{users['caseworker'].id}", json={"unlock": True}, headers=auth("admin")
    )
    assert r.status_code == 200
    assert r.json()["locked_until"] is None
    assert (await login(api, "caseworker", DEMO_PASSWORD)).status_code == 200


async def test_expired_forged_and_missing_tokens_are_refused(
    api: httpx.AsyncClient, users: dict[str, User], settings: Settings
) -> None:
    user = users["auditor"]
    long_ago = datetime.now(UTC) - timedelta(minutes=settings.access_token_minutes + 1)
    expired, _ = create_access_token(settings, user.id, user.role, now=long_ago)
    r = await api.get("/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401
    assert "expired" in r.json()["detail"]

    other = settings.model_copy(update={"secret_key": SecretStr("x" * 40)})
    forged, _ = create_access_token(other, user.id, Role.ADMIN)
    r = await api.get("/users", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401

    r = await api.get("/users", headers=ANONYMOUS)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"


async def test_a_disabled_account_loses_access_at_once(
    api: httpx.AsyncClient, users: dict[str, User], auth: Auth
) -> None:
    headers = auth("auditor")
    assert (await api.get("/audit", headers=headers)).status_code == 200
    r = await api.patch(
        f"/users/{users['auditor'].id}", json={"is_active": False}, headers=auth("admin")
    )
    assert r.status_code == 200
    assert (await api.get("/audit", headers=headers)).status_code == 401


async def test_admins_manage_users_and_nobody_else_does(
    api: httpx.AsyncClient, users: dict[str, User], auth: Auth
) -> None:
    new = {"username": "ieva", "full_name": "Ieva K.", "role": "caseworker",
           "password": "a-long-enough-password"}
    assert (await api.post("/users", json=new, headers=auth("supervisor"))).status_code == 403
    r = await api.post("/users", json=new, headers=auth("admin"))
    assert r.status_code == 201, r.text
    assert (await login(api, "ieva", "a-long-enough-password")).status_code == 200
    assert (await api.post("/users", json=new, headers=auth("admin"))).status_code == 409

    r = await api.post("/users", json=new | {"username": "partner1", "role": "partner"},
                       headers=auth("admin"))
    assert r.status_code == 422
    assert "partner_org is required" in r.text
    r = await api.post("/users", json=new | {"username": "short", "password": "short"},
                       headers=auth("admin"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "password"]

    listed = (await api.get("/users", headers=auth("admin"))).json()
    assert "ieva" in {u["username"] for u in listed["data"]}


async def test_audit_trail_records_writes_and_denials_for_auditors(
    api: httpx.AsyncClient, users: dict[str, User], auth: Auth, engine: Engine
) -> None:
    await login(api, "supervisor", "wrong-password-here")
    await login(api, "supervisor", DEMO_PASSWORD)
    await api.get("/users", headers=auth("caseworker"))  # a read: denied, not audited
    await api.post("/users", json={}, headers=auth("caseworker"))  # a write: denied, audited

    r = await api.get("/audit", params={"action": "POST /auth/token"}, headers=auth("auditor"))
    assert r.status_code == 200
    entries = r.json()["data"]
    assert [e["outcome"] for e in entries] == ["success", "denied"]
    assert {e["actor_id"] for e in entries} == {users["supervisor"].id}
    assert all(e["request_id"] for e in entries)

    denied = (await api.get("/audit", params={"outcome": "denied", "action": "POST /users"},
                            headers=auth("auditor"))).json()
    assert denied["count"] == 1
    assert denied["data"][0]["actor_role"] == "caseworker"
    assert (await api.get("/audit", headers=auth("supervisor"))).status_code == 403

    with engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("UPDATE audit_entries SET outcome = 'success'"))
    with engine.begin() as conn, pytest.raises(DatabaseError, match="append-only"):
        conn.execute(text("DELETE FROM audit_entries"))


async def test_concurrent_writes_each_leave_their_audit_row_before_the_answer(
    api: httpx.AsyncClient, users: dict[str, User], auth: Auth, engine: Engine
) -> None:
    commits: list[object] = []

    def committed(conn: object) -> None:
        commits.append(conn)

    event.listen(engine, "commit", committed)
    try:
        answers = await asyncio.gather(*(
            api.post("/users", json={}, headers=auth("caseworker")) for _ in range(20)
        ))
    finally:
        event.remove(engine, "commit", committed)
    assert {r.status_code for r in answers} == {403}
    with engine.connect() as conn:
        request_ids = set(conn.execute(text(
            "SELECT request_id FROM audit_entries WHERE action = 'POST /users'"
        )).scalars())
    # Every answer's request is in the trail (written before the answer left) ...
    assert {r.headers["x-request-id"] for r in answers} <= request_ids
    assert len(request_ids) == 20
    # ... and requests finishing together shared transactions (group commit).
    assert len(commits) < 20


async def test_a_request_failing_unexpectedly_leaves_an_error_in_the_audit_trail(
    settings: Settings, engine: Engine, users: dict[str, User], auth: Auth
) -> None:
    class Unreachable:
        def get_workflow_handle(self, *_: object) -> None:
            raise RuntimeError("the Temporal frontend went away")

    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = Unreachable()
    case = insert_case(engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=transport, base_url="http://homeward.test"
    ) as api:
        r = await api.post(f"/cases/{case.id}/counselling-sessions", json=COUNSELLING,
                           headers=auth("caseworker"))
        assert r.status_code == 500
        trail = (await api.get("/audit", params={"outcome": "error"},
                               headers=auth("auditor"))).json()
    assert trail["count"] == 1
    entry = trail["data"][0]
    assert entry["action"] == "POST /cases/{case_id}/counselling-sessions"
    assert (entry["case_id"], entry["actor_id"], entry["status_code"]) == (
        case.id, users["caseworker"].id, 500)


async def test_an_overlong_request_id_or_case_id_is_cut_to_fit_the_audit_trail(
    api: httpx.AsyncClient, users: dict[str, User], auth: Auth
) -> None:
    """Both come from the caller; neither may turn a refusal into a server error."""
    sent = "r" * 200
    r = await api.post("/users", json={}, headers=auth("caseworker") | {"X-Request-ID": sent})
    assert r.status_code == 403
    assert r.headers["x-request-id"] == sent[:64]
    r = await api.post(f"/cases/{'c' * 300}/counselling-sessions", json=COUNSELLING)
    assert r.status_code == 404
    trail = (await api.get("/audit", headers=auth("auditor"))).json()["data"]
    by_action = {e["action"]: e for e in trail}
    assert by_action["POST /users"]["request_id"] == sent[:64]
    assert by_action["POST /cases/{case_id}/counselling-sessions"]["case_id"] == "c" * 36
    assert by_action["POST /cases/{case_id}/counselling-sessions"]["outcome"] == "rejected"
