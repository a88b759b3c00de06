"""What the phases' declarations share: who is staff, and the fields every approval has."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel

from models.enums import Role, TaskKind
from models.payloads import CaseState
from models.schemas import ApprovalIn
from workflows.decision import Check, Decision, Field, Form

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


def approval(
    update: str, path: str, action: str, input: type[BaseModel], check: Check, doc: str,
    form: tuple[str, str], answers: tuple[TaskKind, ...] = (),
) -> Decision:
    """A supervisor's approve-or-send-back on what someone else proposed (four eyes)."""
    key, title = form
    return Decision(
        update=update, path=path, roles=SUPERVISORS, action=action, input=input, check=check,
        body=ApprovalIn, doc=doc, answers=answers,
        form=Form(key, title, sample={"approve": True, "reason": "-"}, fields=APPROVAL_FIELDS,
                  button="Decide"),
    )
