"""The demo data the run command loads is valid and loads only once."""

from __future__ import annotations

import httpx

from core.demo import DEMO_CASES, seed_demo


async def test_demo_data_loads_once(api: httpx.AsyncClient) -> None:
    first = await seed_demo(api)
    again = await seed_demo(api)
    assert first == again
    listed = (await api.get("/cases")).json()
    assert listed["count"] == len(DEMO_CASES)
    assert {c["country_of_origin"] for c in listed["data"]} == {"GE", "TH", "AZ"}
