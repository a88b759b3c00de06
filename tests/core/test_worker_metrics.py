"""The worker's /metrics counts failed calls per external system, next to the SDK's metrics."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.embassy import EmbassyActivities, SimulatedEmbassy
from activities.simulation import SimulatorConfig
from core.interceptors import ActivityContextInterceptor
from core.settings import Settings
from core.temporal import connect, worker_runtime
from models.external import DocumentRequest, DocumentRequestResult
from tests.api.test_health import free_port


@workflow.defn(sandboxed=False)
class AskEmbassyOnce:
    @workflow.run
    async def run(self, data: DocumentRequest) -> DocumentRequestResult:
        return await workflow.execute_activity(
            "request_travel_document", data, result_type=DocumentRequestResult,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=10),
                                     backoff_coefficient=1),
        )


async def test_failed_external_calls_are_counted_by_system(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    port = free_port()
    metered = settings.model_copy(update={
        "temporal_address": dev_env.client.service_client.config.target_host,
        "worker_metrics_port": port,
    })
    client = await connect(metered, runtime=worker_runtime(metered))
    embassy = EmbassyActivities(SimulatedEmbassy(SimulatorConfig(fail_next_calls=2)))
    async with Worker(
        client, task_queue=metered.temporal_task_queue, workflows=[AskEmbassyOnce],
        activities=[embassy.request_travel_document],
        interceptors=[ActivityContextInterceptor()],
    ):
        result = await client.execute_workflow(
            AskEmbassyOnce.run,
            DocumentRequest(case_id="c1", request_key="c1:1", country_of_origin="GE",
                            member_ids=["m1"]),
            id=f"case-{uuid.uuid4()}", task_queue=metered.temporal_task_queue,
        )
        assert result.request_ref
        async with httpx.AsyncClient(timeout=5) as http:
            text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text

    failures = [line for line in text.splitlines()
                if line.startswith("homeward_activity_failures") and 'system="embassy"' in line]
    assert len(failures) == 1, text[-3000:]
    assert failures[0].endswith(" 2")
    assert 'activity="request_travel_document"' in failures[0]
    assert "temporal_activity_execution_latency" in text  # the SDK's own metrics, same endpoint
