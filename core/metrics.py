"""Application metrics in Prometheus format: API latency, cases by stage, activity failures."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from models.tables import Case

ACTIVITY_FAILURES = "homeward_activity_failures"


class CasesByStage(Collector):
    """Read at scrape time from the projection, so every API replica reports the same figure."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "homeward_cases", "Cases by stage and status", labels=["stage", "status"]
        )
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(Case.stage, Case.status, func.count()).group_by(Case.stage, Case.status)
            ).all()
        for stage, status, count in rows:
            gauge.add_metric([str(stage), str(status)], count)
        yield gauge


class ApiMetrics:
    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "homeward_api_request_seconds",
            "API request latency by route",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.registry.register(CasesByStage(engine))
