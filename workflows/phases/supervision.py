"""Supervision of the work: reassign a case, remind its assignee."""

from __future__ import annotations

from models import decisions as inputs
from models import schemas_queue as queue_schemas
from workflows import checks
from workflows.decision import Decision, Field, Form
from workflows.phases.common import REASON, SUPERVISORS

ASSIGN = Decision(
    update="assign", path="/cases/{case_id}/assignment", roles=SUPERVISORS,
    action="reassign the case", input=inputs.AssignInput, check=checks.assign,
    body=queue_schemas.AssignmentIn,
    doc="Reassign the case to another active caseworker, with the reason.",
    form=Form(
        "assignment", "Reassign the case",
        # No user has this id: the probe never fails as "already assigned to them".
        sample={"assignee_id": "\x00", "reason": "-"},
        fields=(
            Field("assignee_id", "Caseworker", "caseworker"),
            REASON,
        ),
        button="Reassign",
    ),
)

REMIND_ASSIGNEE = Decision(
    update="remind_assignee", path="/cases/{case_id}/reminder", roles=SUPERVISORS,
    action="remind the assignee", input=inputs.RemindAssigneeInput, check=checks.remind_assignee,
    body=queue_schemas.ReminderIn,
    doc="Remind the case's assignee (in-app and e-mail; all caseworkers when it has none).",
    form=Form(
        "reminder", "Remind the assignee",
        sample={"message": "-"},
        fields=(Field("message", "Message", "textarea"),), button="Send reminder",
    ),
)

DECISIONS = (ASSIGN, REMIND_ASSIGNEE)
