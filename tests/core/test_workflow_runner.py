"""The worker's workflow runner skips the serialization context only where nothing reads it."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import (
    ActivitySerializationContext,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from core.converter import build_data_converter
from core.workflow_runner import ContextFreeRunner, reads_context, runner_for
from tests.core.shout_workflow import ShoutWorkflow, shout


class ContextNotingCodec(PayloadCodec, WithSerializationContext):
    """A codec of the kind the SDK's context is for: notes each context it is given."""

    def __init__(self, seen: list[SerializationContext], context: object = None) -> None:
        self.seen, self.context = seen, context

    def with_context(self, context: SerializationContext) -> ContextNotingCodec:
        return ContextNotingCodec(self.seen, context)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        self.seen.append(self.context)  # type: ignore[arg-type]
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)


async def _shout(client: Client) -> str:
    queue = f"runner-{uuid.uuid4()}"
    runner = runner_for(client.data_converter, SandboxedWorkflowRunner())
    async with Worker(client, task_queue=queue, workflows=[ShoutWorkflow], activities=[shout],
                      workflow_runner=runner):
        return await client.execute_workflow(
            ShoutWorkflow.run, "home", id=f"shout-{uuid.uuid4()}", task_queue=queue
        )


def test_homewards_converter_reads_no_context_so_its_worker_skips_asking() -> None:
    converter = build_data_converter()
    assert not reads_context(converter)
    assert isinstance(runner_for(converter, SandboxedWorkflowRunner()), ContextFreeRunner)


async def test_a_workflow_runs_its_activity_through_the_skipping_runner(
    dev_env: WorkflowEnvironment,
) -> None:
    # The session's client carries Homeward's converter: encrypted payloads, no context.
    assert await _shout(dev_env.client) == "HOME"


async def test_a_codec_that_reads_the_context_still_gets_each_commands_context(
    dev_env: WorkflowEnvironment,
) -> None:
    seen: list[SerializationContext] = []
    converter = dataclasses.replace(
        build_data_converter(), payload_codec=ContextNotingCodec(seen)
    )
    assert reads_context(converter)
    client = Client(**{**dev_env.client.config(), "data_converter": converter})

    assert await _shout(client) == "HOME"

    # Each payload was encoded in its command's context: the start and the workflow's result
    # in the workflow's, the activity's input (scheduled by the workflow) and its result in
    # the activity's. Skipping the question would have left the workflow's two without any.
    assert [type(c) for c in seen] == [
        WorkflowSerializationContext, ActivitySerializationContext,
        ActivitySerializationContext, WorkflowSerializationContext,
    ]
    assert {c.workflow_id for c in seen} == {seen[0].workflow_id}
