"""The fault tests' client: a caseworker who repeats a request while the system recovers."""

from __future__ import annotations

import asyncio

import httpx


async def post(
    api: httpx.AsyncClient, path: str, tries: int = 20, **kwargs: object
) -> httpx.Response:
    """A request, repeated while the API answers 503 or the call times out."""
    for _ in range(tries):
        try:
            r = await api.post(path, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException:
            continue
        if r.status_code != 503:
            return r
        await asyncio.sleep(0.5)
    raise AssertionError(f"{path} kept failing")
