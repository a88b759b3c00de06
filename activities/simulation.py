"""What every simulated external system shares: seeded randomness, latency, refusals, outages."""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from temporalio import activity
from temporalio.exceptions import ApplicationError


class SimulatorConfig(BaseModel):
    """How a simulated system behaves; later Settings can drive it per system."""

    seed: int | None = Field(default=None, description="Same seed, same refusals and references")
    # Below the real clients' 30 s timeout (workflows/calls.py gives an attempt 45 s).
    latency_seconds: float = Field(default=0.0, ge=0, le=30)
    refusal_rate: float = Field(default=0.0, ge=0, le=1)
    down: bool = Field(default=False, description="Every call fails as a technical outage")
    # The next N calls fail as technical outages, then the system recovers.
    fail_next_calls: int = Field(default=0, ge=0)
    # Outage windows as (start, end) UTC datetimes, on the Temporal server's clock when called
    # from an activity (so a time-skipping test can keep a system down for a virtual week),
    # the wall clock otherwise.
    outage_windows: list[tuple[datetime, datetime]] = Field(default_factory=list)
    # Prices the system charges, in the project's currency, overriding its defaults, e.g.
    # {"ticket": 420, "escort": 900} for booking, {"document_fee": 60} for the embassy.
    prices: dict[str, Decimal] = Field(default_factory=dict)
    # Tickets vary by this fraction around their price (stable per booking key).
    price_spread: float = Field(default=0.25, ge=0, lt=1)
    # Payments only: keep the ledger in this JSON-lines file so that it outlives the process
    # (fault tests kill the worker and count payments afterwards).
    ledger_path: str | None = None


Clock = Callable[[], datetime]


def server_clock() -> datetime:
    """When this activity attempt was scheduled (the Temporal server's clock, which a
    time-skipping test server moves), or the wall clock outside an activity."""
    if activity.in_activity():
        scheduled = activity.info().current_attempt_scheduled_time
        if scheduled.year > 2000:  # a bare ActivityEnvironment leaves it at the epoch
            return scheduled
    return datetime.now(UTC)


class ServiceUnavailable(Exception):
    """A technical failure: retried with backoff by the activity's retry policy."""


class Simulator:
    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.rng = random.Random(self.config.seed)
        self._clock = clock or server_clock
        self._counter = 0
        self.calls = 0

    async def call(self, system: str) -> None:
        """Latency, then an outage if one is configured; raises ServiceUnavailable."""
        self.calls += 1
        if self.config.latency_seconds:
            await asyncio.sleep(self.config.latency_seconds)
        if self.config.down:
            raise ServiceUnavailable(f"{system} is down")
        if self.config.fail_next_calls:
            self.config.fail_next_calls -= 1
            raise ServiceUnavailable(f"{system} did not answer")
        now = self._clock()
        if any(start <= now < end for start, end in self.config.outage_windows):
            raise ServiceUnavailable(f"{system} is in a maintenance window")

    def price(self, name: str, default: Decimal, key: str = "", spread: bool = False) -> Decimal:
        """The configured price, varied within ``price_spread`` by a hash of ``key`` so a
        retried call quotes the same amount; rounded to the cent."""
        base = Decimal(self.config.prices.get(name, default))
        if spread and self.config.price_spread:
            h = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF  # 0..1
            base *= Decimal(1 + self.config.price_spread * (2 * h - 1)).quantize(Decimal("0.0001"))
        return base.quantize(Decimal("0.01"))

    def refuses(self) -> bool:
        return self.config.refusal_rate > 0 and self.rng.random() < self.config.refusal_rate

    def reference(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}-{self._counter:05d}-{self.rng.randrange(16**4):04X}"


def simulates(client: object) -> bool:
    """Whether a client is a simulator: the costs it books are marked simulated (its amounts
    are made up; donor reports and budgets keep them apart from spending)."""
    return isinstance(client, Simulator)


def refusal(message: str, error_type: str) -> ApplicationError:
    return ApplicationError(message, type=error_type, non_retryable=True)
