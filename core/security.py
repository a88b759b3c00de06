"""Passwords (argon2) and access tokens (signed JWT with an expiry)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.settings import Settings
from models.enums import Role

_hasher = PasswordHasher()
ALGORITHM = "HS256"
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_access_token(
    settings: Settings, user_id: str, role: Role, now: datetime | None = None
) -> tuple[str, int]:
    """A token for the user, and how many seconds it lives."""
    now = now or datetime.now(UTC)
    ttl = timedelta(minutes=settings.access_token_minutes)
    # iat to the microsecond (a NumericDate may have a fraction): a sign-in in the same second
    # as a sign-out must give a token that counts.
    claims = {"sub": user_id, "role": role.value, "iat": now.timestamp(), "exp": now + ttl}
    token = jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)
    return token, int(ttl.total_seconds())


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    issued_at: datetime


def decode_access_token(settings: Settings, token: str) -> TokenClaims:
    """Whom the token was issued to, and when; InvalidToken when forged, malformed or
    expired."""
    try:
        claims = jwt.decode(
            token, settings.secret_key.get_secret_value(), algorithms=[ALGORITHM],
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.ExpiredSignatureError as err:
        raise InvalidToken("the token has expired: sign in again") from err
    except jwt.PyJWTError as err:
        raise InvalidToken("the token is not valid") from err
    return TokenClaims(str(claims["sub"]), datetime.fromtimestamp(float(claims["iat"]), UTC))
