"""What the phases' declarations share: who is staff, and the fields every approval has."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
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
REASON = Field("reason", "Reason", "textarea")
APPROVAL_FIELDS = (Field("approve", "Decision", "select", APPROVE), REASON)


def today_text(state: CaseState, today: date) -> str:
    return today.isoformat()


def human(values: Any) -> tuple[tuple[str, str], ...]:
    """An enum's values as select options, underscores as spaces."""
    return tuple((v.value, v.value.replace("_", " ")) for v in values)


def choice_form(key: str, title: str, choices: type[StrEnum], sample: StrEnum,
                *more: Field) -> Form:
    """One of ``choices`` with the reason for it (and the ``more`` fields a choice needs);
    probed with the ``sample`` choice."""
    return Form(key, title, sample={"choice": sample, "reason": "-"},
                fields=(Field("choice", "Choice", "select", human(choices)), REASON, *more),
                button="Decide")


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
