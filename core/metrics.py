"""Application metrics in Prometheus format: API latency, cases by stage, activity failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models.enums import CaseStatus, Stage
from models.tables import Case

ACTIVITY_FAILURES = "homeward_activity_failures"


# Stages after which nothing more is expected of the pre-departure workflow.
RESTING_STAGES = (Stage.DEPARTED, Stage.CLOSED)


class CaseGauges(Collector):
    """Read at scrape time from the projection, so every API replica reports the same figure."""

    def __init__(self, engine: Engine, stuck_after: timedelta) -> None:
        self._engine = engine
        self._stuck_after = stuck_after

    def collect(self) -> Iterator[GaugeMetricFamily]:
        by_stage = GaugeMetricFamily(
            "homeward_cases", "Cases by stage and status", labels=["stage", "status"]
        )
        stuck = GaugeMetricFamily(
            "homeward_cases_stuck",
            "Active cases where nothing has happened for longer than HOMEWARD_STUCK_AFTER_DAYS",
            labels=["stage"],
        )
        cutoff = datetime.now(UTC) - self._stuck_after
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(Case.stage, Case.status, func.count()).group_by(Case.stage, Case.status)
            ).all()
            quiet = conn.execute(
                select(Case.stage, func.count())
                .where(Case.status == CaseStatus.ACTIVE)
                .where(Case.stage.not_in(RESTING_STAGES))  # type: ignore[attr-defined]
                .where(Case.updated_at < cutoff)  # type: ignore[arg-type]
                .group_by(Case.stage)
            ).all()
        for stage, status, count in rows:
            by_stage.add_metric([str(stage), str(status)], count)
        for stage, count in quiet:
            stuck.add_metric([str(stage)], count)
        yield by_stage
        yield stuck


class ApiMetrics:
    def __init__(self, engine: Engine, stuck_after: timedelta) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "homeward_api_request_seconds",
            "API request latency by route",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.registry.register(CaseGauges(engine, stuck_after))
