"""Remote codec server for the Temporal web UI: it shows case payloads decrypted, in the browser.

The protocol (docs.temporal.io "codec server"): POST {"payloads": [...]} in protobuf JSON to
/codec/decode or /codec/encode, answered in the same form; the UI's browser sends a CORS
preflight first.
"""

# access: supervisor only (enforced when users/roles land)

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from api.deps import SettingsDep
from core.codec import EncryptionCodec, PayloadKeyError
from core.converter import build_payload_codec

router = APIRouter(prefix="/codec", tags=["codec"])

ALLOWED_HEADERS = "content-type, x-namespace, authorization"


def get_codec(settings: SettingsDep) -> EncryptionCodec:
    return build_payload_codec(settings)


CodecDep = Annotated[EncryptionCodec, Depends(get_codec)]


def cors_headers(request: Request, settings: SettingsDep) -> dict[str, str]:
    """CORS headers for the configured UI origin; none for any other origin."""
    if request.headers.get("origin") != settings.codec_cors_origin:
        return {}
    return {
        "Access-Control-Allow-Origin": settings.codec_cors_origin,
        "Access-Control-Allow-Credentials": "true",
        "Vary": "Origin",
    }


CorsDep = Annotated[dict[str, str], Depends(cors_headers)]


async def _apply(
    request: Request,
    cors: dict[str, str],
    fn: Callable[[Sequence[Payload]], Awaitable[list[Payload]]],
) -> Response:
    try:
        payloads = json_format.Parse(await request.body(), Payloads())
    except json_format.ParseError as err:
        raise HTTPException(
            status_code=400, detail=f"not a Payloads JSON body: {err}", headers=cors
        ) from None
    try:
        result = Payloads(payloads=await fn(payloads.payloads))
    except PayloadKeyError as err:
        raise HTTPException(status_code=400, detail=str(err), headers=cors) from None
    return Response(json_format.MessageToJson(result), media_type="application/json", headers=cors)


@router.post("/decode")
async def decode(request: Request, codec: CodecDep, cors: CorsDep) -> Response:
    """Decrypt payloads (for the Temporal web UI and `temporal --codec-endpoint`)."""
    return await _apply(request, cors, codec.decode)


@router.post("/encode")
async def encode(request: Request, codec: CodecDep, cors: CorsDep) -> Response:
    """Encrypt payloads with the active key (for `temporal` CLI commands that send input)."""
    return await _apply(request, cors, codec.encode)


@router.options("/decode")
@router.options("/encode")
async def preflight(cors: CorsDep) -> Response:
    """Answer the browser's CORS preflight for the configured UI origin only."""
    if not cors:
        return Response(status_code=403)
    headers = {
        **cors,
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": "600",
    }
    return Response(status_code=204, headers=headers)
