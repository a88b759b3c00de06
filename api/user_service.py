"""Creating users: the admin API, the first-admin command and the demo users share this."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.security import hash_password
from models.enums import Role
from models.schemas_users import UserCreate
from models.users import User


class UsernameTaken(Exception):
    pass


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
    UserCreate(username="caseworker", full_name="Anna Caseworker", role=Role.CASEWORKER,
               password=DEMO_PASSWORD),
    UserCreate(username="caseworker2", full_name="Jānis Caseworker", role=Role.CASEWORKER,
               password=DEMO_PASSWORD),
    UserCreate(username="supervisor", full_name="Māra Supervisor", role=Role.SUPERVISOR,
               password=DEMO_PASSWORD),
    UserCreate(username="supervisor2", full_name="Ilze Supervisor", role=Role.SUPERVISOR,
               password=DEMO_PASSWORD),
    UserCreate(username="partner", full_name="Nino Partner", role=Role.PARTNER,
               partner_org="GE-partner", password=DEMO_PASSWORD),
    UserCreate(username="auditor", full_name="Ora Auditor", role=Role.AUDITOR,
               password=DEMO_PASSWORD),
    UserCreate(username="admin", full_name="Ada Admin", role=Role.ADMIN, password=DEMO_PASSWORD),
    UserCreate(username="borderguard", full_name="Border Guard Service", role=Role.BORDER_GUARD,
               password=DEMO_PASSWORD),
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
