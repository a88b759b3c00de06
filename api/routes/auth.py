"""Sign in for a bearer token; who am I."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlmodel import select

from api.auth import CurrentUser
from api.deps import SessionDep, SettingsDep
from core.security import create_access_token, verify_password
from models.schemas_users import TokenPublic, UserPublic
from models.users import User

router = APIRouter(prefix="/auth", tags=["auth"])
log = structlog.get_logger(__name__)
INVALID = "wrong username or password"


@router.post("/token", response_model=TokenPublic)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> TokenPublic:
    """Exchange username and password for a bearer token; repeated failures lock the account."""
    now = datetime.now(UTC)
    user = session.exec(select(User).where(User.username == form.username)).first()
    if user is None or not user.is_active:
        raise HTTPException(status_code=401, detail=INVALID)
    if user.locked_until is not None and user.locked_until > now:
        raise HTTPException(
            status_code=423,
            detail=f"account locked after repeated failed sign-ins until {user.locked_until:%H:%M} UTC",
            headers={"Retry-After": str(int((user.locked_until - now).total_seconds()) + 1)},
        )
    request.state.user = user
    if not verify_password(user.password_hash, form.password):
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0
            log.warning("account locked", user_id=user.id)
        session.add(user)
        session.commit()
        raise HTTPException(status_code=401, detail=INVALID)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    session.commit()
    token, ttl = create_access_token(settings, user.id, user.role, now)
    return TokenPublic(access_token=token, expires_in=ttl)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> User:
    """The signed-in user."""
    return user
