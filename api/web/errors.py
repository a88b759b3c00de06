"""Errors on the web interface's pages answer as pages: sign in again, not allowed, not found."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.web.security import is_ui_path
from api.web.templating import render

TITLES = {
    400: "The form could not be accepted",
    403: "Not allowed",
    404: "Not found",
    422: "Not accepted",
}


def install_page_errors(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def page_or_json(request: Request, exc: StarletteHTTPException) -> Response:
        if not is_ui_path(request.url.path) or request.url.path.startswith("/ui/static"):
            return await http_exception_handler(request, exc)
        if exc.status_code == 401:
            # Not signed in, or the session ran out: the sign-in form, then back here.
            target = request.url.path if request.method == "GET" else "/ui"
            if request.url.query and request.method == "GET":
                target += "?" + request.url.query
            return render(request, "login.html", {
                "next": target, "error": "Please sign in." if "expired" not in str(exc.detail)
                else "Your session has expired: please sign in again.",
            }, 401)
        title = TITLES.get(exc.status_code, "Something went wrong")
        return render(request, "error.html", {
            "title": title, "detail": exc.detail, "status": exc.status_code,
        }, exc.status_code)
