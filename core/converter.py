"""The one data converter (pydantic payloads, AES-GCM encrypted) for worker, API and tests."""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from core.codec import DEV_KEY, DEV_KEY_ID, EncryptionCodec, parse_keys
from core.settings import Settings


def payload_key_ring(settings: Settings | None = None) -> tuple[dict[str, bytes], str]:
    """The settings' keys and the active key id; without settings (or keys) the development
    key alone. Payloads and stored documents (core/filecrypt.py) share this ring."""
    keys = parse_keys(settings.payload_keys.get_secret_value()) if settings else {}
    if not keys:
        return {DEV_KEY_ID: DEV_KEY}, DEV_KEY_ID
    assert settings is not None
    return keys, settings.payload_active_key_id or list(keys)[-1]


def build_payload_codec(settings: Settings | None = None) -> EncryptionCodec:
    return EncryptionCodec(*payload_key_ring(settings))


def build_data_converter(settings: Settings | None = None) -> DataConverter:
    return dataclasses.replace(pydantic_data_converter, payload_codec=build_payload_codec(settings))
