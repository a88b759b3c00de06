"""An external system down for a (virtual) week: its cases wait, visibly, and proceed by
themselves when it comes back.

The embassy simulator has an outage window of seven days on the Temporal server's clock (the
time-skipping test server moves it). Cases asking the embassy for travel documents keep
retrying with backoff: each shows a pending activity with its attempt count and last failure
when described, and no case fails. When the window ends the next retry goes through and every
case carries on to the document request, without anyone touching it.

(The stuck list, `GET /supervision/stuck`, comes with the work queue branch; once it is on
main this test should also assert the cases appear there with the reason.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from core.cli import venv_binary
from core.converter import build_data_converter
from core.search_attributes import ensure_search_attributes
from core.settings import Settings
from models.decisions import AssessDocumentsInput
from models.enums import DocumentStatus, Stage
from tests.conftest import DATABASES
from tests.workflows.scenario import CASEWORKER, clients, person, start_case, through_consent
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

# On one database: the week is waited out by Temporal's retries, which no query takes part in
# until the embassy answers; both databases took 95 s of the suite's two cores.
pytestmark = pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)
CASES = 2
WEEK = timedelta(days=7)


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    # A server of its own: timers left by other tests cannot stall this one's clock.
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=build_data_converter(),
    )
    await ensure_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


async def skip(env: WorkflowEnvironment, span: timedelta) -> None:
    """Let ``span`` pass half a day at a time: the test server answers one sleep only once the
    activities retried in it have run (a thousand retries in a week), and a sleep of days on a
    loaded machine outlasted the call's deadline."""
    while span > timedelta(0):
        step = min(span, timedelta(hours=12))
        await env.sleep(step)
        span -= step


async def test_cases_wait_out_a_week_long_embassy_outage_and_resume_by_themselves(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    embassy = sims.embassy
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handles = [await start_case(time_env, settings, engine, [person(f"m{i}")])
                   for i in range(CASES)]
        for handle in handles:
            await through_consent(time_env, handle)
        now = await time_env.get_current_time()
        embassy.config.outage_windows = [(now, now + WEEK)]  # type: ignore[attr-defined]
        departure = (now + timedelta(days=90)).date()
        asked = [
            asyncio.create_task(handle.execute_update(
                ReturnCaseWorkflow.assess_travel_documents,
                AssessDocumentsInput(actor=CASEWORKER, planned_departure=departure),
            ))
            for handle in handles
        ]

        await skip(time_env, timedelta(days=3))
        for handle in handles:
            described = await handle.describe()
            pending = described.raw_description.pending_activities
            assert [p.activity_type.name for p in pending] == ["request_travel_document"]
            assert pending[0].attempt > 5  # retried with backoff, not given up
            assert "maintenance window" in pending[0].last_failure.message
            state = await handle.query(ReturnCaseWorkflow.state)
            assert state.stage == Stage.TRAVEL_DOCUMENTS
            assert state.documents.status == DocumentStatus.NOT_ASSESSED
        assert not any(task.done() for task in asked)
        calls_during_outage = embassy.calls  # type: ignore[attr-defined]

        # The window ends after seven days; retries are at most 10 minutes apart.
        await skip(time_env, WEEK - timedelta(days=3) + timedelta(hours=1))
        states = await asyncio.wait_for(asyncio.gather(*asked), timeout=60)
        for handle, state in zip(handles, states, strict=True):
            assert state.documents.status == DocumentStatus.REQUESTED
            assert state.documents.request_ref
            assert not (await handle.describe()).raw_description.pending_activities
        assert embassy.calls > calls_during_outage  # type: ignore[attr-defined]
