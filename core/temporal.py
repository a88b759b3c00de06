"""Connecting to Temporal with the settings: address, namespace, TLS or API key."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import TLSConfig

from core.converter import build_data_converter
from core.settings import Settings


def tls_config(settings: Settings) -> TLSConfig | bool:
    if not settings.temporal_tls:
        # An API key implies a TLS endpoint (Temporal Cloud); plain TCP otherwise.
        return bool(settings.temporal_api_key)
    def read(p):  # type: ignore[no-untyped-def]
        return p.read_bytes() if p else None
    return TLSConfig(
        server_root_ca_cert=read(settings.temporal_tls_server_ca_path),
        client_cert=read(settings.temporal_tls_client_cert_path),
        client_private_key=read(settings.temporal_tls_client_key_path),
    )


def worker_runtime(settings: Settings) -> Runtime | None:
    """A runtime exporting the SDK's metrics (and ours, through its meter) for Prometheus."""
    if not settings.worker_metrics_port:
        return None
    bind = f"{settings.worker_metrics_host}:{settings.worker_metrics_port}"
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind)))


async def connect(
    settings: Settings, *, lazy: bool = False, runtime: Runtime | None = None
) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=build_data_converter(settings),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        lazy=lazy,
        runtime=runtime,
    )
