"""The demo data the run command loads is valid and loads only once."""

from __future__ import annotations

import httpx

from core.demo import DEMO_CASES, seed_demo
from tests.tokens import bearer

TOKENS = {user: bearer(user)["Authorization"].removeprefix("Bearer ")
          for user in ("caseworker", "supervisor", "admin")}


async def test_demo_data_loads_once_at_several_stages(api: httpx.AsyncClient) -> None:
    first = await seed_demo(api, TOKENS)
    again = await seed_demo(api, TOKENS)
    assert first == again
    listed = (await api.get("/cases")).json()
    assert listed["count"] == len(DEMO_CASES)
    assert {c["country_of_origin"] for c in listed["data"]} == {"GE", "TH", "AZ"}
    live = [(await api.get(f"/cases/{case_id}")).json()["live"] for case_id in first]
    assert [s["stage"] for s in live] == ["eligibility", "travel_documents", "intake"]
    assert live[0]["awaiting"] == "supervisor approval of the eligibility assessment"
    assert live[1]["documents"]["status"] == "requested"
    assert len(live[2]["counselling_sessions"]) == 1
    # The demo project requires the signed declaration before consent: the consented case
    # has it uploaded.
    project_id = (await api.get(f"/cases/{first[1]}")).json()["project_id"]
    policy = (await api.get(f"/projects/{project_id}")).json()["policy"]
    assert policy["required_documents"] == {"record_consent": ["declaration"]}
    documents = (await api.get(f"/cases/{first[1]}/documents")).json()["data"]
    assert [d["kind"] for d in documents] == ["declaration"]
    # Every demo country has a reintegration partner to hand its cases over to.
    partners = (await api.get("/partners")).json()
    assert {p["country"] for p in partners} == {"GE", "TH", "AZ"}
