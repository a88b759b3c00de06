"""What the phases' declarations share: who is staff, and the fields every approval has."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from models.enums import Role
from models.payloads import CaseState
from workflows.decision import Field

CASEWORKER, SUPERVISOR, PARTNER = Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER
STAFF = frozenset({CASEWORKER, SUPERVISOR})
SUPERVISORS = frozenset({SUPERVISOR})
STAFF_OR_PARTNER = STAFF | {PARTNER}

# A validity far enough ahead that the probe never fails on it.
FAR = timedelta(days=3650)

YES_NO = (("true", "Yes"), ("false", "No"))
APPROVE = (("true", "Approve"), ("false", "Send back / reject"))
APPROVAL_FIELDS = (
    Field("approve", "Decision", "select", APPROVE),
    Field("reason", "Reason", "textarea"),
)


def today_text(state: CaseState, today: date) -> str:
    return today.isoformat()


def human(values: Any) -> tuple[tuple[str, str], ...]:
    """An enum's values as select options, underscores as spaces."""
    return tuple((v.value, v.value.replace("_", " ")) for v in values)
