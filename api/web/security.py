"""The browser's session cookie and CSRF protection of the web interface's forms.

The session cookie carries the same signed access token as ``POST /auth/token``
(HttpOnly, SameSite=strict, path /ui); api/auth.py accepts it on /ui routes only, so the
JSON API never authenticates a request by cookie. Forms are protected twice: the strict
SameSite cookie is not sent on cross-site posts, and every form carries a token that must
equal the ``homeward_csrf`` cookie (double submit).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request, Response

from core.choices import Environment
from core.settings import Settings

SESSION_COOKIE = "homeward_session"
CSRF_COOKIE = "homeward_csrf"
CSRF_FIELD = "csrf_token"
UI_PREFIX = "/ui"


def is_ui_path(path: str) -> bool:
    return path == UI_PREFIX or path.startswith(UI_PREFIX + "/")


def _cookie_args(settings: Settings) -> dict[str, object]:
    return {
        "httponly": True,
        "samesite": "strict",
        "secure": settings.environment == Environment.PRODUCTION,
        "path": UI_PREFIX,
    }


def set_session(response: Response, settings: Settings, token: str, ttl: int) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=ttl, **_cookie_args(settings))  # type: ignore[arg-type]


def clear_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, **_cookie_args(settings))  # type: ignore[arg-type]


def csrf_token(request: Request) -> str:
    """The browser's CSRF token: its cookie, or a new one that the page response sets."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def remember_csrf(request: Request, response: Response, settings: Settings) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new is not None:
        response.set_cookie(CSRF_COOKIE, new, **_cookie_args(settings))  # type: ignore[arg-type]


async def verify_csrf(request: Request) -> None:
    """Refuse a form whose token does not match the cookie (400: reload the page)."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie):
        raise HTTPException(
            status_code=400,
            detail="this form has expired or did not come from this site: reload the page",
        )
