"""Reading the web pages' query strings: a value that is not one of the options is ignored."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def option(enum: type[E], value: str | None) -> E | None:
    """``value`` as a member of ``enum``; None when it is empty or not one of its values."""
    try:
        return enum(value) if value else None
    except ValueError:
        return None
