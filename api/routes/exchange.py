"""The inbound endpoint of the exchange between Homeward installations (docs/exchange.md).

Public in the route policy: a message is authenticated by its signature under the sending
installation's shared secret, not by a user's token.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.exchange_inbox import receive
from api.exchange_refusals import Refused
from models.exchange import EXCHANGE_PATH

router = APIRouter(tags=["exchange"])


@router.post(EXCHANGE_PATH)
async def receive_message(request: Request) -> JSONResponse:
    """One signed message from another Homeward installation; the same message received again
    answers ``duplicate`` and changes nothing."""
    body = await request.body()
    app = request.app.state
    try:
        answer = await receive(app.engine, app.temporal, app.settings, request.headers, body)
    except Refused as refused:
        return JSONResponse({"error": refused.error, "detail": refused.detail},
                            status_code=refused.status)
    return JSONResponse(answer)
