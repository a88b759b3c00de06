"""The remote codec endpoint the Temporal web UI calls to show payloads decrypted."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator

import httpx
import pytest
from google.protobuf import json_format
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from temporalio.api.common.v1 import Payload, Payloads

from api.main import create_app
from core.codec import KEY_ID_HEADER, EncryptionCodec
from core.converter import build_payload_codec
from core.settings import Settings
from models.users import User
from tests.tokens import bearer

UI = "http://127.0.0.1:8233"
PASSPORT = "ZZPASSPORT-0042-PLANTED"


@pytest.fixture
def codec_settings(settings: Settings) -> Settings:
    keys = ",".join(f"k{i}:{base64.b64encode(os.urandom(32)).decode()}" for i in (1, 2))
    return settings.model_copy(update={"payload_keys": SecretStr(keys), "codec_cors_origin": UI})


@pytest.fixture
async def codec_api(
    codec_settings: Settings, engine: Engine, users: dict[str, User]
) -> AsyncIterator[httpx.AsyncClient]:
    """Signed in as a supervisor: decrypted payloads show personal data, nobody else may."""
    # No lifespan: the codec needs neither Temporal nor metrics.
    app = create_app(codec_settings)
    app.state.engine = engine
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://homeward.test", headers=bearer("supervisor")
    ) as client:
        yield client


def body(*payloads: Payload) -> dict[str, object]:
    return json_format.MessageToDict(Payloads(payloads=payloads))


def payloads_of(response: httpx.Response) -> list[Payload]:
    return list(json_format.Parse(response.text, Payloads()).payloads)


def plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


async def test_decode_returns_the_plaintext_payloads(
    codec_api: httpx.AsyncClient, codec_settings: Settings
) -> None:
    codec = build_payload_codec(codec_settings)
    encrypted = await codec.encode([plain(PASSPORT), plain("Mucenieki")])
    assert PASSPORT not in str(body(*encrypted))
    legacy = plain("written before encryption")

    headers = {"Origin": UI, "X-Namespace": "default"}
    r = await codec_api.post("/codec/decode", json=body(*encrypted, legacy), headers=headers)
    assert r.status_code == 200
    assert payloads_of(r) == [plain(PASSPORT), plain("Mucenieki"), legacy]
    assert r.headers["access-control-allow-origin"] == UI


async def test_only_supervisors_may_decode(codec_api: httpx.AsyncClient) -> None:
    payload = body(plain(PASSPORT))
    r = await codec_api.post(
        "/codec/decode", json=payload, headers=bearer("caseworker") | {"Origin": UI}
    )
    assert r.status_code == 403
    r = await codec_api.post(
        "/codec/decode", json=payload, headers={"Authorization": "", "Origin": UI}
    )
    assert r.status_code == 401
    # The UI's browser can read the refusal (not a bare CORS failure).
    assert r.headers["access-control-allow-origin"] == UI


async def test_encode_encrypts_with_the_active_key(
    codec_api: httpx.AsyncClient, codec_settings: Settings
) -> None:
    r = await codec_api.post("/codec/encode", json=body(plain(PASSPORT)))
    assert r.status_code == 200
    assert PASSPORT not in r.text
    [encoded] = payloads_of(r)
    assert encoded.metadata[KEY_ID_HEADER] == b"k2"
    assert await build_payload_codec(codec_settings).decode([encoded]) == [plain(PASSPORT)]


async def test_payload_under_an_unknown_key_is_refused_by_name(
    codec_api: httpx.AsyncClient,
) -> None:
    [foreign] = await EncryptionCodec({"k-other": os.urandom(32)}, "k-other").encode([plain("x")])
    r = await codec_api.post("/codec/decode", json=body(foreign))
    assert r.status_code == 400
    assert "'k-other'" in r.json()["detail"]


async def test_malformed_body_is_refused(codec_api: httpx.AsyncClient) -> None:
    r = await codec_api.post("/codec/decode", json={"payloads": [{"data": "not base64!"}]})
    assert r.status_code == 400


@pytest.mark.parametrize("path", ["/codec/decode", "/codec/encode"])
async def test_preflight_is_answered_for_the_ui_origin_only(
    codec_api: httpx.AsyncClient, path: str
) -> None:
    request = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace,authorization",
    }
    r = await codec_api.options(path, headers={"Origin": UI, **request})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == UI
    assert "POST" in r.headers["access-control-allow-methods"]
    allowed = {h.strip() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"content-type", "x-namespace", "authorization"} <= allowed

    foreign = await codec_api.options(path, headers={"Origin": "https://evil.example", **request})
    assert foreign.status_code == 403
    assert "access-control-allow-origin" not in foreign.headers
