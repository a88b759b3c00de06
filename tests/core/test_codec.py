"""The payload codec: AES-GCM per payload, key ids for rotation, refusals in production."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import ValidationError
from temporalio.api.common.v1 import Payload

from core.codec import (
    DEV_KEY,
    DEV_KEY_ID,
    ENCODING,
    KEY_ID_HEADER,
    EncryptionCodec,
    PayloadKeyError,
    new_key_entry,
    parse_keys,
)
from core.converter import build_data_converter, build_payload_codec
from core.settings import Settings
from models.payloads import CounsellingSession

PASSPORT = "ZZPASSPORT-4711-PLANTED"
K1, K2 = os.urandom(32), os.urandom(32)


def entry(key_id: str, key: bytes) -> str:
    return f"{key_id}:{base64.b64encode(key).decode()}"


def plain(text: str = PASSPORT) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


def settings(**fields: object) -> Settings:
    return Settings(_env_file=None, **fields)  # type: ignore[call-arg]


async def test_round_trip_restores_data_and_metadata() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    [encoded] = await codec.encode([plain()])
    assert encoded.metadata["encoding"] == ENCODING
    assert encoded.metadata[KEY_ID_HEADER] == b"k1"
    assert await codec.decode([encoded]) == [plain()]


async def test_plaintext_and_original_encoding_are_not_in_the_encoded_bytes() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    [encoded] = await codec.encode([plain()])
    raw = encoded.SerializeToString()
    assert PASSPORT.encode() not in raw
    assert b"json/plain" not in raw


async def test_each_encode_uses_a_fresh_nonce() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    first, second = await codec.encode([plain(), plain()])
    assert first.data != second.data
    assert first.data[:12] != second.data[:12]


async def test_rotation_decodes_old_key_and_encodes_with_the_new() -> None:
    old = EncryptionCodec({"k1": K1}, "k1")
    [under_k1] = await old.encode([plain()])
    rotated = EncryptionCodec({"k1": K1, "k2": K2}, "k2")
    assert await rotated.decode([under_k1]) == [plain()]
    [under_k2] = await rotated.encode([plain()])
    assert under_k2.metadata[KEY_ID_HEADER] == b"k2"
    assert await rotated.decode([under_k2]) == [plain()]
    with pytest.raises(PayloadKeyError, match="'k2'"):
        await old.decode([under_k2])


async def test_unknown_key_id_names_the_key() -> None:
    [encoded] = await EncryptionCodec({"k1": K1}, "k1").encode([plain()])
    with pytest.raises(PayloadKeyError, match=r"key id 'k1'.*not configured"):
        await EncryptionCodec({DEV_KEY_ID: DEV_KEY}, DEV_KEY_ID).decode([encoded])


async def test_tampered_ciphertext_fails() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    [encoded] = await codec.encode([plain()])
    flipped = bytearray(encoded.data)
    flipped[-1] ^= 1
    tampered = Payload(metadata=dict(encoded.metadata), data=bytes(flipped))
    with pytest.raises(PayloadKeyError, match="failed authentication"):
        await codec.decode([tampered])


async def test_same_key_under_another_id_fails() -> None:
    # The key id is authenticated: relabelling a payload does not decrypt it.
    [encoded] = await EncryptionCodec({"k1": K1}, "k1").encode([plain()])
    relabelled = Payload(metadata={**encoded.metadata, KEY_ID_HEADER: b"k9"}, data=encoded.data)
    with pytest.raises(PayloadKeyError):
        await EncryptionCodec({"k9": K1}, "k9").decode([relabelled])


async def test_unencrypted_payloads_pass_through_decode() -> None:
    codec = EncryptionCodec({"k1": K1}, "k1")
    assert await codec.decode([plain()]) == [plain()]


async def test_data_converter_encrypts_pydantic_values() -> None:
    converter = build_data_converter(settings(payload_keys=entry("k1", K1)))
    value = CounsellingSession(held_on="2026-01-05", place=PASSPORT, language="ka")
    [encoded] = await converter.encode([value])
    assert encoded.metadata[KEY_ID_HEADER] == b"k1"
    assert PASSPORT.encode() not in encoded.SerializeToString()
    assert await converter.decode([encoded], [CounsellingSession]) == [value]


def test_settings_choose_the_active_key() -> None:
    both = ",".join([entry("k1", K1), entry("k2", K2)])
    assert build_payload_codec(settings(payload_keys=both)).active_key_id == "k2"
    chosen = settings(payload_keys=both, payload_active_key_id="k1")
    assert build_payload_codec(chosen).active_key_id == "k1"
    assert build_payload_codec(settings()).key_ids == [DEV_KEY_ID]
    assert build_payload_codec().key_ids == [DEV_KEY_ID]


def test_malformed_keys_are_refused() -> None:
    with pytest.raises(ValidationError, match="expected 32"):
        settings(payload_keys=entry("k1", os.urandom(16)))
    with pytest.raises(ValidationError, match="not valid base64"):
        settings(payload_keys="k1:%%%")
    with pytest.raises(ValidationError, match="not among"):
        settings(payload_keys=entry("k1", K1), payload_active_key_id="k2")


@pytest.mark.parametrize(
    "keys",
    ["", entry(DEV_KEY_ID, DEV_KEY), f"{entry('k1', K1)},{entry(DEV_KEY_ID, DEV_KEY)}",
     entry("renamed", DEV_KEY)],
    ids=["missing", "dev-key", "dev-key-among-others", "dev-key-renamed"],
)
def test_production_refuses_missing_or_development_keys(keys: str) -> None:
    with pytest.raises(ValidationError, match="HOMEWARD_PAYLOAD_KEYS"):
        settings(
            environment="production", secret_key="x" * 40, payload_keys=keys,
            allow_simulators=True,
        )


def test_production_accepts_real_keys() -> None:
    prod = settings(
        environment="production", secret_key="x" * 40, payload_keys=entry("k1", K1),
        allow_simulators=True,
    )
    assert build_payload_codec(prod).key_ids == ["k1"]


def test_new_key_entry_is_a_valid_setting() -> None:
    keys = parse_keys(new_key_entry("k7"))
    assert list(keys) == ["k7"] and len(keys["k7"]) == 32
