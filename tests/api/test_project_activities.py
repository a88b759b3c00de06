"""Project activities: admins and supervisors record them, staff and auditors read them."""

from __future__ import annotations

import httpx

from tests.api.test_projects import create_project
from tests.tokens import bearer

TRAINING = {
    "type": "training", "title": "Return counselling for border officials",
    "held_on": "2026-03-10", "participants_count": 24, "location": "Riga",
}


async def test_supervisor_records_and_corrects_activities_that_staff_read(
    api: httpx.AsyncClient,
) -> None:
    project = await create_project(api)
    url = f"/projects/{project['id']}/activities"
    r = await api.post(url, json=TRAINING, headers=bearer("supervisor"))
    assert r.status_code == 201, r.text
    training = r.json()
    campaign = {"type": "information_campaign", "title": "Radio spots", "held_on": "2026-02-01",
                "participants_count": 0}
    r = await api.post(url, json=campaign, headers=bearer("admin"))
    assert r.status_code == 201, r.text

    r = await api.get(url)  # the caseworker reads, by date
    assert [a["type"] for a in r.json()] == ["information_campaign", "training"]
    r = await api.get(url, params={"type": "training"}, headers=bearer("auditor"))
    assert [a["id"] for a in r.json()] == [training["id"]]
    r = await api.get(url, params={"start": "2026-03-01", "end": "2026-03-31"})
    assert [a["id"] for a in r.json()] == [training["id"]]

    r = await api.patch(
        f"{url}/{training['id']}", json={"participants_count": 26}, headers=bearer("admin")
    )
    assert r.status_code == 200 and r.json()["participants_count"] == 26
    assert r.json()["title"] == TRAINING["title"]


async def test_activities_are_refused_when_malformed_or_elsewhere(api: httpx.AsyncClient) -> None:
    project = await create_project(api)
    other = await create_project(api, code="OTHER")
    url = f"/projects/{project['id']}/activities"
    admin = bearer("admin")
    r = await api.post(url, json=TRAINING | {"type": "party"}, headers=admin)
    assert r.status_code == 422
    r = await api.post(url, json=TRAINING | {"participants_count": -1}, headers=admin)
    assert r.status_code == 422
    r = await api.post("/projects/nope/activities", json=TRAINING, headers=admin)
    assert r.status_code == 404
    activity = (await api.post(url, json=TRAINING, headers=admin)).json()
    r = await api.patch(
        f"/projects/{other['id']}/activities/{activity['id']}", json={"title": "x"}, headers=admin
    )
    assert r.status_code == 404
    r = await api.patch(f"{url}/{activity['id']}", json={"held_on": None}, headers=admin)
    assert r.status_code == 422


async def test_an_activity_id_outside_the_column_range_is_refused(api: httpx.AsyncClient) -> None:
    project = await create_project(api)
    r = await api.patch(f"/projects/{project['id']}/activities/{2**40}", json={"title": "x"},
                        headers=bearer("admin"))
    assert r.status_code == 422
