"""The full stack for the browser tests and their steps (tests/ui/test_browser.py and the
test_*browser*.py beside it): the API as its own uvicorn process, a worker built by
worker.build_worker in the test process on the time-skipping test server, Debian's Chromium
(driven by Playwright), and the steps: signing in with the keyboard, filling an action form by
its labels, screenshots at 1280px and 390px in test-artifacts/screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.clients import clients_from
from activities.partners import PortalPartners
from api.user_service import DEMO_PASSWORD
from core.settings import Settings
from models.users import User
from tests.api.test_health import free_port
from worker import build_worker

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture
def api_process(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User],
    tmp_path: Path,
) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "HOMEWARD_TEMPORAL_ADDRESS": time_env.client.service_client.config.target_host,
        "HOMEWARD_TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
        "HOMEWARD_DATABASE_URL": settings.database_url,
        "HOMEWARD_DATA_DIR": str(tmp_path),
        "HOMEWARD_LOG_FORMAT": "json",
    }
    log = tmp_path / "api.log"
    with log.open("w") as out:
        api = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert api.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base
    finally:
        api.terminate()
        try:
            api.wait(timeout=20)
        except subprocess.TimeoutExpired:
            api.kill()


@pytest.fixture
async def stack(
    api_process: str, time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[str]:
    # Partners on Homeward's own partner page, as docker-compose.yml runs them.
    clients = clients_from(settings, engine)
    clients.partners = PortalPartners(engine, clients.notifications)
    async with build_worker(time_env.client, settings, engine, clients=clients):
        yield api_process


@pytest.fixture
async def chromium(chromium_process: Browser) -> AsyncIterator[Browser]:
    """The test process's browser (tests/ui/conftest.py); what a test opened in it is closed
    after the test, so no page of a stopped stack goes on running."""
    yield chromium_process
    for context in chromium_process.contexts:
        await context.close()


async def signed_in(browser: Browser, base: str, username: str) -> Page:
    """A browser of its own for the user, signed in with the keyboard only."""
    context = await browser.new_context(base_url=base, viewport=WIDE)
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto("/ui")  # not signed in: the sign-in form, then back to the dashboard
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.keyboard.type(username)  # the username field has the focus
    await page.keyboard.press("Tab")
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("signed-in")).to_contain_text(username.rstrip("0123456789").replace("borderguard", "border guard"))
    return page


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
    .filter(e => e.type !== "hidden" && !(e.labels && e.labels.length) && !e.getAttribute("aria-label"))
    .map(e => e.name || e.id || e.outerHTML.slice(0, 80))"""


async def shoot(page: Page, name: str, widths: tuple[dict[str, int], ...] = (WIDE, PHONE)) -> None:
    # Every field on the page has a label a screen reader announces.
    assert await page.evaluate(UNLABELLED) == [], f"{name}: fields without a label"
    for size in widths:
        await page.set_viewport_size(size)
        if size == PHONE:
            # Nothing sticks out sideways on a phone: no horizontal scrolling.
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} is {overflow}px too wide at 390px"
        await page.screenshot(path=SHOTS / f"{name}-{size['width']}.png", full_page=True)
    await page.set_viewport_size(WIDE)


async def act(page: Page, action: str, fields: dict[str, str] | None = None,
              ticks: tuple[str, ...] = ()) -> None:
    """Fill one action form by its labels and send it; the page confirms it was done."""
    form = page.locator(f'form[data-action="{action}"]')
    await expect(form).to_be_visible()
    for label, value in (fields or {}).items():
        field = form.get_by_label(label, exact=True)
        if await field.evaluate("e => e.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    for label in ticks:
        await form.get_by_label(label).check()
    await form.get_by_role("button").click()
    await expect(page.get_by_test_id("done")).to_contain_text(action.replace("-", " "))
