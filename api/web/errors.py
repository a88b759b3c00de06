"""Errors on the web interface's pages answer as pages: sign in again, not allowed, not found."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.security import is_ui_path
from api.web.templating import render
from core.i18n import N_

TITLES = {  # error.html shows them in the page's language
    400: N_("The form could not be accepted"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    422: N_("Not accepted"),
}


# The code of an API error without a more precise one, by HTTP status.
CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "not_accepted",
    423: "locked",
    428: "precondition_required",
    429: "too_many_requests",
    503: "unavailable",
}


def install_page_errors(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def page_or_json(request: Request, exc: StarletteHTTPException) -> Response:
        if not is_ui_path(request.url.path) or request.url.path.startswith("/ui/static"):
            if exc.status_code in (204, 304):
                return await http_exception_handler(request, exc)
            # The English detail as before, and a stable code (with its parameters) a client
            # can match on and translate: a refusal's own (workflows/refusals.py), or the status's.
            body: dict[str, object] = {
                "detail": exc.detail,
                "code": getattr(exc, "code", None) or CODES.get(exc.status_code, "error"),
            }
            if getattr(exc, "params", None):
                body["params"] = exc.params  # type: ignore[attr-defined]
            return JSONResponse(body, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        if exc.status_code == 401:
            # Not signed in, or the session ran out: the sign-in form, then back here.
            target = request.url.path if request.method == "GET" else "/ui"
            if request.url.query and request.method == "GET":
                target += "?" + request.url.query
            return render(request, "login.html", {
                "next": target, "error": N_("Please sign in.") if "expired" not in str(exc.detail)
                else N_("Your session has expired: please sign in again."),
            }, 401)
        title = TITLES.get(exc.status_code, N_("Something went wrong"))
        return render(request, "error.html", {
            "title": title, "detail": exc.detail, "status": exc.status_code,
        }, exc.status_code)

    @app.exception_handler(RuntimeError)
    async def temporal_unreachable(request: Request, exc: RuntimeError) -> Response:
        # The API's client connects lazily; its first call while the Temporal server is down
        # fails with this (not an RPCError): a 503 to repeat the request, not a 500.
        if not str(exc).startswith("Failed client connect"):
            raise exc
        return await page_or_json(request, StarletteHTTPException(503, "Temporal is unreachable"))
