"""The delivery of one exchange message (docs/exchange.md) to another Homeward installation:
retried with backoff until delivered, refused, or given up (``exchange_give_up_days``), so
either side being down for days loses nothing. Workflow id ``exchange-out-<message id>``."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

EXCHANGE_REFUSED = "ExchangeRefused"


class DeliveryInput(BaseModel):
    message_id: str
    retry_initial_seconds: float
    retry_max_seconds: float
    give_up_after_seconds: float


def delivery_id(message_id: str) -> str:
    return f"exchange-out-{message_id}"


@workflow.defn
class ExchangeDeliveryWorkflow:
    @workflow.run
    async def run(self, data: DeliveryInput) -> str:
        try:
            return await workflow.execute_activity(  # type: ignore[no-any-return]
                "deliver_exchange_message",
                data.message_id,
                result_type=str,
                start_to_close_timeout=timedelta(seconds=60),
                schedule_to_close_timeout=timedelta(seconds=data.give_up_after_seconds),
                retry_policy=RetryPolicy(
                    initial_interval=timedelta(seconds=data.retry_initial_seconds),
                    backoff_coefficient=2.0,
                    maximum_interval=timedelta(seconds=data.retry_max_seconds),
                    non_retryable_error_types=[EXCHANGE_REFUSED],
                ),
            )
        except ActivityError as err:
            reason = str(err.cause or err)[:400]
            await workflow.execute_activity(
                "exchange_message_failed",
                args=[data.message_id, reason],
                start_to_close_timeout=timedelta(seconds=60),
            )
            return "failed"
