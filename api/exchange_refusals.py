"""How the receiving side of the exchange refuses a message (docs/exchange.md, errors)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


def problems(err: ValidationError) -> str:
    """What is wrong, without the values (they may be names): fit for the other side's logs."""
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
        for e in err.errors(include_input=False, include_url=False)
    )[:500]


@dataclass
class Refused(Exception):
    """An error answer: ``status`` and a machine-readable ``error`` (docs/exchange.md)."""

    status: int
    error: str
    detail: str
