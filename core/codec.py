"""AES-GCM encryption of every Temporal payload, with key ids so keys can be rotated."""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID_HEADER = "encryption-key-id"
NONCE_BYTES = 12
KEY_BYTES = 32

# Development only: a fixed key anyone can read here. Production settings refuse it.
DEV_KEY_ID = "dev-insecure"
DEV_KEY = b"homeward-dev-insecure-payloadkey"  # 32 bytes


class PayloadKeyError(ValueError):
    """A payload cannot be decrypted: unknown key id, or ciphertext that does not verify."""


def parse_keys(text: str) -> dict[str, bytes]:
    """``id:base64key,id:base64key`` -> {id: 32-byte key}, in the order given."""
    keys: dict[str, bytes] = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not key_id:
            raise ValueError(f"payload key entry {key_id or entry[:8]!r}: expected id:base64key")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except ValueError:
            raise ValueError(f"payload key {key_id!r}: not valid base64") from None
        if len(key) != KEY_BYTES:
            raise ValueError(f"payload key {key_id!r}: {len(key)} bytes, expected {KEY_BYTES}")
        if key_id in keys:
            raise ValueError(f"payload key {key_id!r} is configured twice")
        keys[key_id] = key
    return keys


class EncryptionCodec(PayloadCodec):
    """Encrypts with the active key; decrypts with whichever configured key a payload names.

    The whole serialized payload (metadata included, so its original encoding is hidden)
    is the plaintext; the key id is authenticated data, so relabelling a payload fails.
    Payloads that are not encrypted pass through decode: histories from before encryption
    still replay.
    """

    def __init__(self, keys: Mapping[str, bytes], active_key_id: str) -> None:
        if active_key_id not in keys:
            raise ValueError(f"active payload key {active_key_id!r} is not among the keys")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active_key_id = active_key_id

    @property
    def key_ids(self) -> list[str]:
        return list(self._ciphers)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self.active_key_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.active_key_id].encrypt(
            nonce, payload.SerializeToString(), key_id
        )
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID_HEADER: key_id}, data=nonce + sealed
        )

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID_HEADER, b"").decode()
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyError(
                f"payload encrypted with key id {key_id!r}, which is not configured "
                f"(configured: {', '.join(self._ciphers)})"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, key_id.encode())
        except InvalidTag:
            raise PayloadKeyError(
                f"payload under key id {key_id!r} failed authentication (tampered or wrong key)"
            ) from None
        return Payload.FromString(plain)


def new_key_entry(key_id: str | None = None) -> str:
    """A fresh ``id:base64key`` entry for HOMEWARD_PAYLOAD_KEYS."""
    key_id = key_id or f"k{datetime.now(UTC):%Y%m%d%H%M}"
    return f"{key_id}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


if __name__ == "__main__":
    # python -m core.codec new-key [id]
    if len(sys.argv) < 2 or sys.argv[1] != "new-key":
        sys.exit("usage: python -m core.codec new-key [key-id]")
    print(new_key_entry(sys.argv[2] if len(sys.argv) > 2 else None))
