"""The exchange with other Homeward installations (docs/exchange.md): its settings
(HOMEWARD_EXCHANGE_*, through ``Settings``, which inherits these fields and reads them with its
prefix, as it does the debtor account's)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class ExchangeSettings(BaseSettings):
    exchange_id: str = Field(
        default="", max_length=100,
        description="This installation's name in exchange messages (its partner id at the "
        "other installation); empty: '<office_code>-homeward'",
    )
    exchange_retry_initial_seconds: float = Field(
        default=30, gt=0, description="First wait before an undelivered message is sent again"
    )
    exchange_retry_max_seconds: float = Field(
        default=3600, gt=0, description="Longest wait between two deliveries of a message"
    )
    exchange_give_up_days: float = Field(
        default=30, gt=0, description="How long a message is retried before it counts as failed"
    )
    exchange_max_age_seconds: int = Field(
        default=300, ge=1, description="Oldest signature timestamp an inbound message may carry"
    )
    exchange_project_code: str = Field(
        default="", max_length=40,
        description="Project of a case received from another installation; empty: the default",
    )
