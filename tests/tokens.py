"""Bearer headers of the demo users, for tests. Test users get their username as their id,
so these headers can be built before the users exist (the `users` fixture creates them)."""

from __future__ import annotations

from functools import cache

from api.user_service import DEMO_USERS
from core.security import create_access_token
from core.settings import Settings
from models.enums import Role

ROLES = {u.username: u.role for u in DEMO_USERS}


@cache
def _settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def bearer(username: str, role: Role | None = None) -> dict[str, str]:
    """A demo user's header; for another test user pass its role."""
    token, _ = create_access_token(_settings(), username, role or ROLES[username])
    return {"Authorization": f"Bearer {token}"}
