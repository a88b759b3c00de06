"""Admins give users the e-mail address reminders go to; a malformed one is refused."""

from __future__ import annotations

import httpx

from tests.tokens import bearer

ADMIN = bearer("admin")
NEW_USER = {"username": "ieva", "full_name": "Ieva Caseworker", "role": "caseworker",
            "password": "long-enough-password-1"}


async def test_an_admin_sets_and_changes_a_users_email(api: httpx.AsyncClient) -> None:
    r = await api.post("/users", json=NEW_USER | {"email": "ieva@iom.test"}, headers=ADMIN)
    assert r.status_code == 201, r.text
    assert r.json()["email"] == "ieva@iom.test"
    r = await api.patch(
        f"/users/{r.json()['id']}", json={"email": "ieva.k@iom.test"}, headers=ADMIN
    )
    assert r.status_code == 200 and r.json()["email"] == "ieva.k@iom.test"

    r = await api.post("/users", json=NEW_USER | {"username": "x2", "email": "not-an-address"},
                       headers=ADMIN)
    assert r.status_code == 422
    listed = (await api.get("/users", headers=ADMIN)).json()["data"]
    assert {u["username"]: u["email"] for u in listed}["caseworker"] is None
