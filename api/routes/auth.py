"""Sign in for a bearer token, sign out; who am I."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import CurrentUser
from api.deps import SessionDep, SettingsDep
from api.user_service import LoginRefused, authenticate, sign_out
from core.security import create_access_token
from models.schemas_users import TokenPublic, UserPublic
from models.users import User

router = APIRouter(prefix="/auth", tags=["auth"])
log = structlog.get_logger(__name__)


@router.post("/token", response_model=TokenPublic)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPublic:
    """Exchange username and password for a bearer token; repeated failures lock the account."""
    now = datetime.now(UTC)
    try:
        user = authenticate(session, settings, form.username, form.password, now)
    except LoginRefused as err:
        request.state.user = err.user  # a wrong password is audited against its account
        headers = {"Retry-After": str(err.retry_after)} if err.retry_after else None
        raise HTTPException(status_code=err.status, detail=err.detail, headers=headers) from err
    request.state.user = user
    token, ttl = create_access_token(settings, user.id, user.role, now)
    return TokenPublic(access_token=token, expires_in=ttl)


@router.post("/logout", status_code=204)
def logout(session: SessionDep, user: CurrentUser) -> Response:
    """Sign out: every token of this user issued until now stops working, in every browser
    and client (a token is otherwise valid until it expires)."""
    sign_out(session, user, datetime.now(UTC))
    return Response(status_code=204)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> User:
    """The signed-in user."""
    return user
