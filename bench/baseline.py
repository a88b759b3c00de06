"""The engine's own limit: trivial workflows run by an in-process worker on their own queue.

`TrivialWorkflow` returns at once (the baseline of starting a workflow); `TrivialUpdateWorkflow`
stays open and answers an update (the baseline of a decision round trip); `PathWorkflow` takes
as many updates and runs as many no-op activities as a case does from intake to departure (the
baseline of the whole path).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

TASK_QUEUE = "bench-baseline"


@workflow.defn
class TrivialWorkflow:
    @workflow.run
    async def run(self, arg: str) -> str:
        return arg


@workflow.defn
class TrivialUpdateWorkflow:
    def __init__(self) -> None:
        self._count = 0
        self._done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self._done)
        return self._count

    @workflow.update
    async def bump(self, note: str) -> int:
        self._count += 1
        return self._count

    @bump.validator
    def _validate_bump(self, note: str) -> None:
        if not note:
            raise ValueError("a note is required")

    @workflow.signal
    def finish(self) -> None:
        self._done = True


@activity.defn
async def noop(note: str) -> str:
    return note


@workflow.defn
class PathWorkflow:
    """`plan[0]` activities when it starts, then `plan[i]` after update i (run by the main
    loop once the update has returned, as the case workflow projects after a decision); the
    last update runs its activities before it returns, and the workflow ends with it."""

    @workflow.init
    def __init__(self, plan: list[int]) -> None:
        self._updates = 0
        self._pending = plan[0]
        self._last = len(plan) - 1
        self._done = 0

    @workflow.run
    async def run(self, plan: list[int]) -> int:
        while True:
            await workflow.wait_condition(
                lambda: self._pending > 0 or self._updates >= self._last
            )
            while self._pending:
                self._pending -= 1
                await workflow.execute_activity(
                    noop, "x", start_to_close_timeout=timedelta(minutes=2)
                )
                self._done += 1
            if self._updates >= self._last:
                await workflow.wait_condition(workflow.all_handlers_finished)
                return self._done

    @workflow.update
    async def step(self, activities: int) -> int:
        self._updates += 1
        if self._updates >= self._last:
            # The last update runs its activities itself, as the departure pays the grant.
            for _ in range(activities):
                await workflow.execute_activity(
                    noop, "x", start_to_close_timeout=timedelta(minutes=2)
                )
                self._done += 1
        else:
            self._pending += activities
        return self._updates

    @step.validator
    def _validate_step(self, activities: int) -> None:
        if activities < 0:
            raise ValueError("activities must not be negative")


@asynccontextmanager
async def baseline_worker(client: Client) -> AsyncIterator[Worker]:
    async with Worker(
        client, task_queue=TASK_QUEUE,
        workflows=[TrivialWorkflow, TrivialUpdateWorkflow, PathWorkflow], activities=[noop],
    ) as worker:
        yield worker


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4()}"


async def _serve() -> None:
    """`python -m bench.baseline`: the baseline worker as a process of its own, connected with
    the HOMEWARD_* settings (same server and payload codec as the case worker)."""
    import asyncio
    import signal

    from core.settings import get_settings
    from core.temporal import connect

    client = await connect(get_settings())
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with baseline_worker(client):
        await stop.wait()


if __name__ == "__main__":
    import asyncio

    asyncio.run(_serve())
