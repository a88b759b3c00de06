"""RetentionWorkflow: run by a daily Schedule, anonymises cases closed past the retention period."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.retention import RetentionActivities
    from models.privacy import RetentionInput, RetentionResult


@workflow.defn
class RetentionWorkflow:
    @workflow.run
    async def run(self, data: RetentionInput) -> RetentionResult:
        total: list[str] = []
        # Batches keep each activity short; stop when a batch comes back short.
        while True:
            result = await workflow.execute_activity_method(
                RetentionActivities.anonymise_closed_cases,
                data,
                start_to_close_timeout=timedelta(minutes=5),
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=5)),
            )
            total.extend(result.case_ids)
            if len(result.case_ids) < data.batch_size:
                return RetentionResult(case_ids=total)
