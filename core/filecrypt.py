"""Documents encrypted at rest, chunk by chunk, with the payload key ring (core/codec.py).

A file is a header, then its plaintext in chunks of ``CHUNK`` bytes, each sealed with
AES-256-GCM (the last one may be shorter; an empty file is one empty sealed chunk):

    header = MAGIC | len(key id) | key id | salt (32 random bytes)
    file key = HKDF-SHA256(ring[key id], salt, info=INFO)
    nonce of chunk i = i as 11 bytes big-endian | 1 if it is the last chunk else 0
    associated data = header | context (the caller's storage key)

This is the STREAM construction (as in Tink's streaming AEAD and age): every file gets its
own key, so a counter is a safe nonce and one master key may seal any number of files; the
counter stops chunks being reordered or dropped, the last-chunk flag stops a file being cut at
a chunk boundary, and the header in the associated data stops a key id or salt being swapped.
The context binds a file to its name in storage, so a stored file moved under another
document's name fails to decrypt. Encryption and decryption hold one chunk at a time.

The key id in the header names the ring key that sealed the file: rotating keys (a new active
key) leaves old files readable while their key stays configured.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"HWDOC1"
INFO = b"homeward document v1"
CHUNK = 64 * 1024
TAG = 16
SALT = 32
SEALED = CHUNK + TAG


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class DocumentKeyError(ValueError):
    """A stored file cannot be decrypted: unknown key id, not our format, or tampered."""


class FileCipher:
    """Seals new files with the active key; opens files sealed with any configured key."""

    def __init__(self, keys: Mapping[str, bytes], active_key_id: str) -> None:
        if active_key_id not in keys:
            raise ValueError(f"active key {active_key_id!r} is not among the keys")
        self._keys = dict(keys)
        self.active_key_id = active_key_id

    def encrypt(self, source: Readable, context: bytes) -> Iterator[bytes]:
        """The sealed file, header first, reading ``source`` one chunk ahead."""
        key_id = self.active_key_id.encode()
        header = MAGIC + bytes([len(key_id)]) + key_id + os.urandom(SALT)
        aead = AESGCM(_file_key(self._keys[self.active_key_id], header[-SALT:]))
        aad = header + context
        yield header
        current, index = source.read(CHUNK), 0
        while True:
            following = source.read(CHUNK) if len(current) == CHUNK else b""
            last = not following
            yield aead.encrypt(_nonce(index, last), current, aad)
            if last:
                return
            current, index = following, index + 1

    def decrypt(self, blocks: Iterable[bytes], context: bytes) -> Iterator[bytes]:
        """The plaintext, chunk by chunk; raises DocumentKeyError at the first bad chunk."""
        reader = _Rechunker(blocks)
        start = reader.read(len(MAGIC) + 1)
        if len(start) != len(MAGIC) + 1 or not start.startswith(MAGIC):
            raise DocumentKeyError("not an encrypted document (bad header)")
        key_id_bytes = reader.read(start[-1])
        salt = reader.read(SALT)
        key_id = key_id_bytes.decode(errors="replace")
        if key_id not in self._keys:
            raise DocumentKeyError(
                f"document encrypted with key id {key_id!r}, which is not configured "
                f"(configured: {', '.join(self._keys)})"
            )
        header = start + key_id_bytes + salt
        aead = AESGCM(_file_key(self._keys[key_id], salt))
        aad = header + context
        current, index = reader.read(SEALED), 0
        while True:
            following = reader.read(SEALED) if len(current) == SEALED else b""
            last = not following
            try:
                yield aead.decrypt(_nonce(index, last), current, aad)
            except InvalidTag:
                raise DocumentKeyError(
                    f"document chunk {index} under key id {key_id!r} failed authentication "
                    "(tampered, truncated, or stored under another name)"
                ) from None
            if last:
                return
            current, index = following, index + 1


def key_id_of(first_block: bytes) -> str:
    """The key id named by a sealed file's header (its first bytes)."""
    if not first_block.startswith(MAGIC) or len(first_block) <= len(MAGIC):
        raise DocumentKeyError("not an encrypted document (bad header)")
    length = first_block[len(MAGIC)]
    return first_block[len(MAGIC) + 1 : len(MAGIC) + 1 + length].decode(errors="replace")


def _file_key(master: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(master)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _Rechunker:
    """Exact-size reads over blocks of any size (a storage stream's pieces)."""

    def __init__(self, blocks: Iterable[bytes]) -> None:
        self._blocks = iter(blocks)
        self._buffer = bytearray()

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            block = next(self._blocks, None)
            if block is None:
                break
            self._buffer += block
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data
