"""Web interface tests: the app with a worker on a real Temporal dev server, browsed by cookie."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.async_api import Browser as Chromium
from playwright.async_api import async_playwright
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from api.main import create_app
from api.user_service import DEMO_PASSWORD
from core.settings import Settings
from models.users import User
from worker import build_worker

CHROMIUM = "/usr/bin/chromium"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


@pytest.fixture
async def web_app(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = dev_env.client
    async with build_worker(dev_env.client, settings, engine), app.router.lifespan_context(app):
        yield app


Browser = Callable[[str | None], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def browser(web_app: FastAPI) -> AsyncIterator[Browser]:
    """browser("caseworker") -> a client signed in through the login form (cookies kept);
    browser(None) -> one not signed in."""
    clients: list[httpx.AsyncClient] = []

    async def open_as(username: str | None) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web_app), base_url="http://homeward.test"
        )
        clients.append(client)
        if username is not None:
            page = await client.get("/ui/login")
            r = await client.post("/ui/login", data={
                "username": username, "password": DEMO_PASSWORD, "next": "/ui",
                "csrf_token": csrf_of(page.text),
            })
            assert r.status_code == 303, r.text
        return client

    yield open_as
    for client in clients:
        await client.aclose()


@pytest.fixture(scope="session")
async def chromium_process() -> AsyncIterator[Chromium]:
    """One Chromium per test process, started when a browser test first needs it (about 2 s
    each): the browser tests take theirs through ``chromium`` (tests/ui/browser_steps.py)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make system-deps`"
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        await browser.close()
