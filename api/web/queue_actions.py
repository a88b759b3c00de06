"""Supervision as web forms: reassign a case and remind its assignee (the work queue, #5)."""

from __future__ import annotations

from api.web.actions import Action, Field, _model
from models import decisions as d
from models import schemas_queue as sq
from workflows import checks
from workflows.return_case import ReturnCaseWorkflow

QUEUE_ACTIONS: tuple[Action, ...] = (
    Action(
        "assignment", "Reassign the case", "/cases/{case_id}/assignment",
        ReturnCaseWorkflow.assign, checks.assign, sq.AssignmentIn, _model(d.AssignInput),
        lambda st, actor, today, o: d.AssignInput(actor=actor, assignee_id="\x00", reason="-"),
        fields=(
            Field("assignee_id", "Caseworker", "caseworker"),
            Field("reason", "Reason", "textarea"),
        ),
        button="Reassign",
    ),
    Action(
        "reminder", "Remind the assignee", "/cases/{case_id}/reminder",
        ReturnCaseWorkflow.remind_assignee, checks.remind_assignee, sq.ReminderIn,
        _model(d.RemindAssigneeInput),
        lambda st, actor, today, o: d.RemindAssigneeInput(actor=actor, message="-"),
        fields=(Field("message", "Message", "textarea"),),
        button="Send reminder",
    ),
)
