"""Authentication and authorization dependencies: the signed-in user, and the route policy."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from api.policy import PUBLIC, allowed
from api.user_service import signed_out
from api.web.security import SESSION_COOKIE, is_ui_path
from core.security import InvalidToken, decode_access_token
from models.payloads import Actor
from models.users import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def _route_key(request: Request) -> tuple[str, str]:
    route = request.scope.get("route")
    return request.method, getattr(route, "path", request.url.path)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def current_user(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User | None:
    """The signed-in user; None on a public route, which ignores any token (a stale token
    must not stop anyone from signing in again)."""
    if _route_key(request) in PUBLIC:
        return None
    if token is None and is_ui_path(request.url.path):
        # The web interface's session cookie counts on its own pages only, never on the API.
        token = request.cookies.get(SESSION_COOKIE)
    if token is None:
        raise _unauthorized("not signed in: send a bearer token from POST /auth/token")
    settings = request.app.state.settings
    try:
        claims = decode_access_token(settings, token)
    except InvalidToken as err:
        raise _unauthorized(str(err)) from err
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        user = session.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise _unauthorized("this account is disabled")
    if signed_out(user, claims.issued_at):
        raise _unauthorized("signed out: sign in again")
    request.state.user = user
    return user


async def authorize(
    request: Request, user: Annotated[User | None, Depends(current_user)]
) -> None:
    """Applied to every router: the route's rule in api/policy.py decides, deny by default.
    (This and the two below only look at values: async, so no thread-pool hop.)"""
    key = _route_key(request)
    if key in PUBLIC:
        return
    assert user is not None
    if not allowed(*key, user.role):
        raise HTTPException(
            status_code=403, detail=f"the {user.role} role may not {key[0]} {key[1]}"
        )


async def _signed_in(user: Annotated[User | None, Depends(current_user)]) -> User:
    if user is None:
        raise _unauthorized("not signed in")
    return user


CurrentUser = Annotated[User, Depends(_signed_in)]


def actor_of(user: User) -> Actor:
    """The acting user as the workflow sees it: its validators enforce roles and four eyes."""
    return Actor(id=user.id, role=user.role, organisation=user.partner_org)


async def current_actor(user: CurrentUser) -> Actor:
    return actor_of(user)
