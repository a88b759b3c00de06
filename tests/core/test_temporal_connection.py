"""Connecting to a real Temporal cluster: TLS with client certificates, or an API key."""

from __future__ import annotations

from pathlib import Path

from temporalio.service import TLSConfig

from core.settings import Settings
from core.temporal import tls_config


def test_plain_tcp_by_default(settings: Settings) -> None:
    assert tls_config(settings) is False


def test_mutual_tls_reads_the_certificate_files(settings: Settings, tmp_path: Path) -> None:
    for name in ("client.pem", "client.key", "ca.pem"):
        (tmp_path / name).write_bytes(f"-----{name}-----".encode())
    configured = settings.model_copy(update={
        "temporal_tls": True,
        "temporal_tls_client_cert_path": tmp_path / "client.pem",
        "temporal_tls_client_key_path": tmp_path / "client.key",
        "temporal_tls_server_ca_path": tmp_path / "ca.pem",
    })
    tls = tls_config(configured)
    assert isinstance(tls, TLSConfig)
    assert tls.client_cert == b"-----client.pem-----"
    assert tls.client_private_key == b"-----client.key-----"
    assert tls.server_root_ca_cert == b"-----ca.pem-----"


def test_an_api_key_implies_tls_with_the_system_roots(settings: Settings) -> None:
    assert tls_config(settings.model_copy(update={"temporal_api_key": "k"})) is True
