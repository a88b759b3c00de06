"""Hundreds of open cases on a local dev server: the stuck list and the task list stay correct
(timings printed only: ``bench/bench_lists.py`` measures them, with 10,000)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner

from api.main import create_app
from api.project_service import ensure_default_project
from bench.lists import check_lists, populate, timed
from bench.stack import percentiles
from core.settings import Settings
from models.users import User
from tests.tokens import bearer
from worker import build_worker

# Enough for every kind of stuck case, paged task lists and a stuck page of one severity
# after another; 1,000 took a minute of the suite's two cores for the same checks.
N = 400


async def test_stuck_and_task_lists_with_hundreds_of_cases(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, users: dict[str, User]
) -> None:
    if settings.database_url.startswith("postgresql"):
        # Starting hundreds of cases takes most of a minute on this 2-CPU machine; once is
        # enough (the lists' SQL is the same on both databases, and tests/api/test_queue.py
        # runs on both).
        pytest.skip("the scale test runs once, on SQLite")
    app = create_app(settings)
    app.state.engine, app.state.temporal = engine, dev_env.client
    project = ensure_default_project(engine, settings)
    # Unsandboxed: the same workflow code, without re-importing it per new case (setup speed).
    worker = build_worker(dev_env.client, settings, engine,
                          workflow_runner=UnsandboxedWorkflowRunner())
    async with worker, app.router.lifespan_context(app):
        expected = await populate(engine, dev_env.client, settings, project.id, N)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://homeward.test") as http:
            sup, cw = bearer("supervisor"), bearer("caseworker")
            stuck_lat, stuck = await timed(http, "/supervision/stuck", sup, 10, limit=500)
            tasks_lat, tasks = await timed(http, "/tasks", cw, 10, assignee="me", limit=50)
            _, counts = await timed(http, "/tasks/counts", sup, 1)
            by_country, _ = await timed(http, "/supervision/stuck", sup, 5, country="UA")
    check_lists(expected, stuck, tasks, counts)
    s, t = percentiles(stuck_lat), percentiles(tasks_lat)
    print(f"\n{N} cases: started in {expected.started_s}s, projected in {expected.projected_s}s; "
          f"stuck list ({stuck['count']} stuck) p50 {s['p50']} ms p95 {s['p95']} ms; "
          f"task list p50 {t['p50']} ms p95 {t['p95']} ms; "
          f"stuck by country p50 {percentiles(by_country)['p50']} ms")
