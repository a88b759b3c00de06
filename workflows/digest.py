"""DigestWorkflow: run by a daily Schedule, mails each active caseworker what awaits them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.digest import DigestActivities
    from activities.notifications import NotificationActivities
    from models.digest import DigestInput, DigestResult

RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5))


@workflow.defn
class DigestWorkflow:
    @workflow.run
    async def run(self, data: DigestInput) -> DigestResult:
        prepared = await workflow.execute_activity_method(
            DigestActivities.prepare_digests,
            data,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RETRY,
        )
        # One activity per mail: a failed delivery is retried without mailing the others again.
        await asyncio.gather(
            *(
                workflow.execute_activity_method(
                    NotificationActivities.send_mail,
                    mail,
                    start_to_close_timeout=timedelta(minutes=2),
                    retry_policy=RETRY,
                )
                for mail in prepared.mails
            )
        )
        return DigestResult(sent=len(prepared.mails))
