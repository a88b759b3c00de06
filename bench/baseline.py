"""The engine's own limit: trivial workflows run by an in-process worker on their own queue.

`TrivialWorkflow` returns at once (the baseline of starting a workflow); `TrivialUpdateWorkflow`
stays open and answers an update (the baseline of a decision round trip).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio import workflow
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


@asynccontextmanager
async def baseline_worker(client: Client) -> AsyncIterator[Worker]:
    async with Worker(
        client, task_queue=TASK_QUEUE, workflows=[TrivialWorkflow, TrivialUpdateWorkflow]
    ) as worker:
        yield worker


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4()}"
