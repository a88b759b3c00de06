"""Object storage of (already encrypted) documents: a local directory, or an S3 bucket.

Both stream: ``put`` consumes an iterator of blocks and ``get`` yields blocks, so no whole
file is ever held in memory. Keys are ours (``cases/<case>/<document>/<version>``), never a
user's file name.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from core.choices import DocumentStorage
from core.settings import Settings

BLOCK = 64 * 1024


class ObjectStore(Protocol):
    def put(self, key: str, blocks: Iterable[bytes]) -> int:
        """Store the blocks under key (replacing nothing: keys are new); bytes written."""

    def get(self, key: str) -> Iterator[bytes]:
        """The stored bytes, block by block."""

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is no error."""


class LocalStore:
    """A directory; a file appears under its name only once completely written."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"bad storage key {key!r}")
        return self.root.joinpath(*parts)

    def put(self, key: str, blocks: Iterable[bytes]) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        written = 0
        try:
            with partial.open("xb") as out:
                for block in blocks:
                    out.write(block)
                    written += len(block)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return written

    def get(self, key: str) -> Iterator[bytes]:
        path = self._path(key)
        if not path.is_file():  # before the first block: a missing file fails on the spot
            raise FileNotFoundError(key)
        return _read_file(path)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _read_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            yield block


class S3Store:
    """A bucket of an S3-compatible server (AWS, SeaweedFS, MinIO, Ceph...), through boto3.

    Uploads go through boto3's transfer manager without threads: one multipart part (8 MB)
    in memory at a time."""

    def __init__(self, client: Any, bucket: str) -> None:
        from boto3.s3.transfer import TransferConfig

        self.client = client
        self.bucket = bucket
        self._transfer = TransferConfig(use_threads=False, multipart_chunksize=8 * 1024 * 1024)

    def put(self, key: str, blocks: Iterable[bytes]) -> int:
        reader = _BlockReader(blocks)
        self.client.upload_fileobj(reader, self.bucket, key, Config=self._transfer)
        return reader.total

    def get(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        return _read_body(body)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def _read_body(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(BLOCK)
    finally:
        body.close()


class _BlockReader(io.RawIOBase):
    """A read-only file over an iterator of blocks (what boto3's upload_fileobj reads)."""

    def __init__(self, blocks: Iterable[bytes]) -> None:
        self._blocks = iter(blocks)
        self._pending = b""
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            block = next(self._blocks, None)
            if block is None:
                return 0
            self._pending = block
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self.total += n
        return n


def s3_client(settings: Settings) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=settings.document_s3_endpoint_url or None,
        region_name=settings.document_s3_region,
        aws_access_key_id=settings.document_s3_access_key_id or None,
        aws_secret_access_key=settings.document_s3_secret_access_key.get_secret_value() or None,
        # Path-style addressing: S3-compatible servers rarely have a wildcard DNS per bucket.
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard"}),
    )


def build_store(settings: Settings) -> ObjectStore:
    if settings.document_storage == DocumentStorage.S3:
        return S3Store(s3_client(settings), settings.document_s3_bucket)
    assert settings.document_dir is not None  # filled in by Settings
    return LocalStore(settings.document_dir)
