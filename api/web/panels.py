"""Extra sections of the case page, added by other parts of the system (costs, partners).

A panel is a title, a template under api/templates/panels/ and a loader given the database
session and the case; the case page renders each in order. Empty until a part adds one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from models.tables import Case


@dataclass(frozen=True)
class CasePanel:
    title: str
    template: str
    load: Callable[[Session, Case], Any]


CASE_PANELS: list[CasePanel] = []
