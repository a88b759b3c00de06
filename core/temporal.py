"""Connecting to Temporal with the settings: address, namespace, TLS or API key."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.service import TLSConfig

from core.converter import build_data_converter
from core.settings import Settings


def tls_config(settings: Settings) -> TLSConfig | bool:
    if not settings.temporal_tls:
        return False
    def read(p):  # type: ignore[no-untyped-def]
        return p.read_bytes() if p else None
    return TLSConfig(
        server_root_ca_cert=read(settings.temporal_tls_server_ca_path),
        client_cert=read(settings.temporal_tls_client_cert_path),
        client_private_key=read(settings.temporal_tls_client_key_path),
    )


async def connect(settings: Settings, *, lazy: bool = False) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=build_data_converter(),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        lazy=lazy,
    )
