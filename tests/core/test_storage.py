"""Object stores (a directory, and S3 on a real SeaweedFS server) and their settings."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from core.choices import DocumentStorage
from core.converter import payload_key_ring
from core.filecrypt import FileCipher
from core.settings import Settings
from core.storage import LocalStore, ObjectStore, S3Store, build_store
from tests.seaweed import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedS3

PROD_KEYS = "k1:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="  # 32 bytes of "A"


def settings(**fields: object) -> Settings:
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg]


def blocks(data: bytes, size: int = 100_000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalStore(tmp_path / "documents")
    server: SeaweedS3 = request.getfixturevalue("s3_server")
    return S3Store(server.client(), BUCKET)


def test_put_get_delete(store: ObjectStore) -> None:
    key = f"cases/{uuid.uuid4()}/d/v1"
    # Over boto3's 8 MB multipart threshold: the S3 upload goes in parts, streamed.
    data = os.urandom(9 * 1024 * 1024 + 5)
    assert store.put(key, blocks(data)) == len(data)
    assert b"".join(store.get(key)) == data
    store.delete(key)
    store.delete(key)  # a missing object is no error
    with pytest.raises(Exception):  # noqa: B017 - FileNotFoundError, or S3's NoSuchKey
        b"".join(store.get(key))


def test_a_local_file_appears_only_once_written(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)

    def failing() -> Iterator[bytes]:
        yield b"half"
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.put("cases/c/d/v1", failing())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    with pytest.raises(ValueError, match="bad storage key"):
        store.put("cases/../../etc/passwd", blocks(b"x"))


def test_a_large_file_is_sealed_and_opened_in_bounded_memory(tmp_path: Path) -> None:
    source, size, digest = tmp_path / "scan.pdf", 32 * 1024 * 1024, hashlib.sha256()
    with source.open("wb") as f:
        for _ in range(size // (1024 * 1024)):
            block = os.urandom(1024 * 1024)
            digest.update(block)
            f.write(block)
    cipher, store, key = FileCipher({"k1": os.urandom(32)}, "k1"), LocalStore(tmp_path), "c/d/v"
    tracemalloc.start()
    try:
        with source.open("rb") as f:
            store.put(key, cipher.encrypt(f, key.encode()))
        opened = hashlib.sha256()
        for chunk in cipher.decrypt(store.get(key), key.encode()):
            opened.update(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert opened.hexdigest() == digest.hexdigest()
    assert peak < 2 * 1024 * 1024, f"{peak} bytes at the peak for a {size}-byte file"


def test_settings_choose_the_store(tmp_path: Path, s3_server: SeaweedS3) -> None:
    local = build_store(settings(data_dir=tmp_path))
    assert isinstance(local, LocalStore) and local.root == tmp_path / "documents"
    s3 = build_store(settings(
        document_storage="s3", document_s3_endpoint_url=s3_server.endpoint,
        document_s3_bucket=BUCKET, document_s3_access_key_id=ACCESS_KEY,
        document_s3_secret_access_key=SECRET_KEY,
    ))
    assert isinstance(s3, S3Store)
    key = f"cases/{uuid.uuid4()}/d/v1"
    s3.put(key, blocks(b"sealed bytes"))
    assert b"".join(s3.get(key)) == b"sealed bytes"


def test_production_refuses_placeholder_s3_credentials() -> None:
    # A training installation: the external systems' simulators are not what this tests.
    production = {"environment": "production", "secret_key": "x" * 40,
                  "payload_keys": PROD_KEYS, "document_storage": DocumentStorage.S3,
                  "allow_simulators": True}
    for key_id, secret in [("", ""), ("AKIAIOSFODNN7EXAMPLE", "real-secret-value-1234567890"),
                           ("ops-key", "minioadmin"), ("ops-key", "")]:
        with pytest.raises(ValidationError, match="DOCUMENT_S3"):
            settings(**production, document_s3_access_key_id=key_id,
                     document_s3_secret_access_key=secret)
    ok = settings(**production, document_s3_access_key_id="ops-key",
                  document_s3_secret_access_key=SecretStr("a-real-long-secret-0123456789"))
    assert ok.document_storage == DocumentStorage.S3
    # Local storage needs no S3 secret; development accepts placeholders.
    settings(**(production | {"document_storage": "local"}))
    settings(document_storage="s3")


def test_documents_share_the_payload_key_ring() -> None:
    keys, active = payload_key_ring(settings(payload_keys=PROD_KEYS))
    assert list(keys) == ["k1"] and active == "k1"
