"""The case workflow's run loop: fire the timers that are due, project every change, end once
the case is closed, and continue as new when the history grows long."""

from __future__ import annotations

import asyncio

from temporalio import workflow

from models.payloads import CaseState, CaseWorkflowInput
from workflows import timers
from workflows.projection import Projection
from workflows.run import CaseRun


async def run(
    case: CaseRun, projection: Projection, lock: asyncio.Lock, data: CaseWorkflowInput
) -> CaseState:
    while True:
        due = timers.next_due(case.state)
        if due is not None and due <= workflow.now():
            async with lock:  # timers call activities too: one handler at a time
                await timers.fire(case)
        else:
            timeout = None if due is None else due - workflow.now()
            try:
                await workflow.wait_condition(lambda: case.dirty or case.done, timeout=timeout)
            except TimeoutError:
                continue
        if case.dirty:
            case.dirty = False
            await projection.write()
        if case.done:
            await workflow.wait_condition(workflow.all_handlers_finished)
            if not case.dirty:
                return case.state
        elif _history_is_long(case):
            # Decisions may keep arriving; the next run projects what they changed.
            await workflow.wait_condition(workflow.all_handlers_finished)
            state = case.state.model_copy(
                update={"runs": case.state.runs + 1, "unprojected": case.dirty}
            )
            workflow.continue_as_new(data.model_copy(update={"state": state}))


def _history_is_long(case: CaseRun) -> bool:
    info = workflow.info()
    limit = case.state.policy.aftercare.continue_as_new_after_events
    return info.is_continue_as_new_suggested() or info.get_current_history_length() > limit
