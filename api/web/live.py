"""The live state for pages: a page shows the projection alone when Temporal cannot answer."""

from __future__ import annotations

from temporalio.client import Client

from api.live import LiveStateUnavailable, read_live_state
from models.payloads import CaseState


async def live_state(client: Client, case_id: str) -> CaseState | None:
    try:
        return await read_live_state(client, case_id)
    except LiveStateUnavailable:  # logged by the reader
        return None
