"""Supervision of a running case: who it is assigned to, reminders to the assignee, and the
project it runs under."""

from __future__ import annotations

from models import decisions as inputs
from models.enums import Role
from models.payloads import CaseState
from workflows import effects
from workflows.run import CaseRun


def assign(case: CaseRun, data: inputs.AssignInput) -> CaseState:
    previous = case.state.assignee_id
    case.state.assignee_id = data.assignee_id
    case.decided(
        data.actor,
        f"case assigned to {data.assignee_id}" + (f" (was {previous})" if previous else ""),
        data.reason,
    )
    case.touch()
    return case.state


async def remind_assignee(case: CaseRun, data: inputs.RemindAssigneeInput) -> CaseState:
    case.decided(data.actor, "assignee reminded by a supervisor", data.message)
    await effects.notify(case, Role.CASEWORKER, "reminder from a supervisor", data.message)
    case.touch()
    return case.state


def move_to_project(case: CaseRun, project_id: str) -> None:
    """Recorded by the API; the workflow keeps the CaseProject search attribute and the
    projection in step."""
    if case.state.project_id != project_id:
        case.state.project_id = project_id
        case.touch()
