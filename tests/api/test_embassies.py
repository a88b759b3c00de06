"""The embassy directory: admins add and change embassies, staff read them, bad input names
its field."""

from __future__ import annotations

import httpx

from tests.tokens import bearer

ADMIN = bearer("admin")
GE = {"country": "GE", "name": "Embassy of Georgia in Riga", "email": "riga@mfa.gov.ge",
      "letter_language": "ru", "answer_days": 21}


async def test_admins_create_list_and_update_embassies(api: httpx.AsyncClient) -> None:
    r = await api.post("/embassies", headers=ADMIN, json=GE)
    assert r.status_code == 201, r.text
    assert r.json()["letter_language"] == "ru" and r.json()["answer_days"] == 21
    r = await api.post("/embassies", headers=ADMIN, json={
        "country": "AM", "name": "Embassy of Armenia", "email": "lv@mfa.am",
    })
    assert r.json()["letter_language"] == "en" and r.json()["answer_days"] == 30  # defaults

    listed = (await api.get("/embassies")).json()  # a caseworker reads the directory
    assert [e["country"] for e in listed] == ["AM", "GE"]

    r = await api.patch("/embassies/GE", headers=ADMIN,
                        json={"email": "consul@mfa.gov.ge", "answer_days": 14})
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "consul@mfa.gov.ge" and r.json()["answer_days"] == 14
    assert r.json()["name"] == GE["name"]  # unchanged


async def test_a_country_has_one_embassy_and_unknown_ones_are_not_found(
    api: httpx.AsyncClient,
) -> None:
    assert (await api.post("/embassies", headers=ADMIN, json=GE)).status_code == 201
    again = await api.post("/embassies", headers=ADMIN, json=GE)
    assert again.status_code == 409 and "country: GE" in again.json()["detail"]
    missing = await api.patch("/embassies/UA", headers=ADMIN, json={"answer_days": 5})
    assert missing.status_code == 404


async def test_validation_errors_name_the_field(api: httpx.AsyncClient) -> None:
    cases = [
        ({**GE, "country": "Georgia"}, "country"),
        ({**GE, "email": "not an address"}, "email"),
        ({**GE, "letter_language": "ka"}, "letter_language"),
        ({**GE, "answer_days": 0}, "answer_days"),
    ]
    for body, field in cases:
        r = await api.post("/embassies", headers=ADMIN, json=body)
        assert r.status_code == 422
        assert [e["loc"][-1] for e in r.json()["detail"]] == [field]
    await api.post("/embassies", headers=ADMIN, json=GE)
    r = await api.patch("/embassies/GE", headers=ADMIN, json={"answer_days": 400})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "answer_days"


async def test_only_admins_write_the_directory(api: httpx.AsyncClient) -> None:
    assert (await api.post("/embassies", json=GE)).status_code == 403
    assert (await api.get("/embassies", headers=bearer("partner"))).status_code == 403
