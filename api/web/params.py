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


def page_number(value: str | None) -> int:
    """A list's ``?page=``: a number from 1 on; anything else is the first page. Capped far
    past any office's list (a database refuses an offset of thirty digits)."""
    return min(int(value), 100_000) if value and value.isdigit() and int(value) > 0 else 1


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill; an empty list is one (empty) page."""
    return max(-(-total // per_page), 1)
