"""Users: admins create, list and change them."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlmodel import col

from api.auth import CurrentUser
from api.deps import SessionDep, found
from api.paging import PageDep
from api.user_service import UsernameTaken, create_user
from core.db import saved
from core.security import hash_password
from models.schemas_users import (
    LanguageChoice,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
)
from models.users import User

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def add_user(data: UserCreate, session: SessionDep) -> User:
    """Create a user with a role (partner users belong to one partner organisation)."""
    try:
        return create_user(session, data)
    except UsernameTaken as err:
        raise HTTPException(status_code=409, detail=str(err)) from err


@router.get("", response_model=UsersPublic)
def list_users(session: SessionDep, page: PageDep) -> UsersPublic:
    """List users by username."""
    rows, count = page.of_table(session, User, col(User.username))
    return UsersPublic(data=[UserPublic.model_validate(u, from_attributes=True) for u in rows],
                       count=count)


@router.put("/me/language", response_model=UserPublic)
def set_my_language(data: LanguageChoice, session: SessionDep, user: CurrentUser) -> User:
    """Any user chooses the language of the web interface and of the e-mails they receive
    (en, lv, lt, et, ru)."""
    mine = session.get(User, user.id)
    assert mine is not None
    mine.language = data.language
    return saved(session, mine)


@router.patch("/{user_id}", response_model=UserPublic)
def update_user(user_id: str, data: UserUpdate, session: SessionDep) -> User:
    """Change a user's name, role, password or active flag, or lift a lockout."""
    user = found(session, User, user_id, "user")
    # A field left out (or null) stays as it is; the password is stored hashed.
    for name, value in data.model_dump(exclude_none=True, exclude={"password", "unlock"}).items():
        setattr(user, name, value)
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    if data.unlock:
        user.locked_until = None
        user.failed_logins = 0
    return saved(session, user)
