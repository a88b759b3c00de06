"""Creating users: the admin API, the first-admin command and the demo users share this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.i18n import N_
from core.security import hash_password, verify_password
from core.settings import Settings
from models.enums import Role
from models.schemas_users import UserCreate
from models.tables import utc
from models.users import User

log = structlog.get_logger(__name__)
INVALID = N_("wrong username or password")  # the sign-in page translates it


class UsernameTaken(Exception):
    pass


@dataclass
class LoginRefused(Exception):
    """Why a sign-in failed: 401 wrong credentials, 423 locked (retry after seconds)."""

    status: int
    detail: str
    retry_after: int | None = None
    # The account whose password was wrong, for the audit trail.
    user: User | None = None


def sign_out(session: Session, user: User, now: datetime) -> None:
    """End every session of the user: the tokens issued until now stop counting (a token is
    otherwise valid until it expires). Signing in again gives a new one."""
    user.signed_out_at = now
    session.add(user)
    session.commit()


def signed_out(user: User, issued_at: datetime) -> bool:
    """Whether a token issued at that moment was ended by signing out."""
    return user.signed_out_at is not None and issued_at <= utc(user.signed_out_at)


def authenticate(
    session: Session, settings: Settings, username: str, password: str, now: datetime
) -> User:
    """The user these credentials sign in; repeated failures lock the account.
    Shared by the API's token endpoint and the web interface's login form."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.is_active:
        raise LoginRefused(401, INVALID)
    if user.locked_until is not None and user.locked_until > now:
        raise LoginRefused(
            423,
            f"account locked after repeated failed sign-ins until {user.locked_until:%H:%M} UTC",
            int((user.locked_until - now).total_seconds()) + 1,
        )
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0
            log.warning("account locked", user_id=user.id)
        session.add(user)
        session.commit()
        raise LoginRefused(401, INVALID, user=user)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    session.commit()
    return user


def create_user(session: Session, data: UserCreate) -> User:
    user = User(
        username=data.username,
        full_name=data.full_name,
        email=data.email,
        role=data.role,
        partner_org=data.partner_org,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as err:
        session.rollback()
        raise UsernameTaken(f"username {data.username!r} is taken") from err
    session.refresh(user)
    return user


# One user per role for demos and the browser tests; refused in production (see core/cli.py).
DEMO_PASSWORD = "homeward-demo-2026"
DEMO_USERS = [
    UserCreate(username=username, full_name=full_name, role=role, partner_org=partner_org,
               password=DEMO_PASSWORD)
    for username, full_name, role, partner_org in [
        ("caseworker", "Anna Caseworker", Role.CASEWORKER, None),
        ("caseworker2", "Jānis Caseworker", Role.CASEWORKER, None),
        ("supervisor", "Māra Supervisor", Role.SUPERVISOR, None),
        ("supervisor2", "Ilze Supervisor", Role.SUPERVISOR, None),
        ("partner", "Nino Partner", Role.PARTNER, "GE-partner"),
        ("auditor", "Ora Auditor", Role.AUDITOR, None),
        ("admin", "Ada Admin", Role.ADMIN, None),
        ("borderguard", "Border Guard Service", Role.BORDER_GUARD, None),
        ("traveldesk", "Tom Travel Desk", Role.TRAVEL_DESK, None),
        ("finance", "Olga Finance", Role.FINANCE, None),
    ]
]


def ensure_demo_users(engine: Engine) -> int:
    """Create the demo users that do not exist yet; returns how many were created."""
    created = 0
    with Session(engine) as session:
        existing = set(session.exec(select(User.username)).all())
        for data in DEMO_USERS:
            if data.username not in existing:
                create_user(session, data)
                created += 1
    return created
