"""Rendering pages: the Jinja2 environment, the header's user and menu, the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.policy import allowed
from api.web.security import CSRF_FIELD, csrf_token, remember_csrf

HERE = Path(__file__).resolve().parent.parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD
templates.env.filters["human"] = lambda v: str(getattr(v, "value", v) or "").replace("_", " ")
templates.env.filters["human_pair"] = lambda v: (str(v), str(v).replace("_", " "))

# The menu: (label, path); an entry shows only when the user's role may open it.
MENU: list[tuple[str, str]] = [
    ("Dashboard", "/ui"),
    ("Cases", "/ui/cases"),
    ("New case", "/ui/cases/new"),
    ("Departures", "/ui/departures"),
    ("Travel desk", "/ui/travel-desk"),
    ("My cases", "/ui/partner"),
    ("Stuck cases", "/ui/supervision/stuck"),
    ("Reports", "/ui/reports"),
    ("Grant transfers", "/ui/finance"),
    ("Services", "/ui/services"),
    ("Break glass", "/ui/break-glass"),
]


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    menu = [
        (label, path) for label, path in MENU
        if user is not None and allowed("GET", path, user.role)
    ]
    ctx = {
        "user": user,
        "menu": menu,
        "path": request.url.path,
        "csrf": csrf_token(request),
        # The banner: what is simulated here is not happening in the world.
        "simulated": request.app.state.settings.simulated_systems,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    remember_csrf(request, response, request.app.state.settings)
    return response
