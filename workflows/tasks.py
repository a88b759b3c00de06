"""The case's open tasks and what it waits for: every decision its workflow waits for,
derived from its state by the rules in ``task_rules.py``.

Pure (no I/O, no clock but the ``now`` passed in), so the workflow projects them and the
tests check them without Temporal. When a task opened is kept in ``CaseState.task_since``
(see ``track``), its due time is that plus the SLA of its kind in the case's policy.
``awaiting`` says in one sentence what the case waits for: its open tasks, then what
``WAITS`` finds that is in no work queue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from models.enums import (  # HUMAN_ROLES: api/stuck.py imports it from here
    HUMAN_ROLES,  # noqa: F401
    CaseStatus,
    PlanStatus,
    Stage,
    TaskKind,
)
from models.payloads import CaseState, TaskInfo
from workflows.task_rules import RULES, Open


# What a case can wait for that is in no work queue yet: a proposal nobody was asked for
# (adding these as tasks would change the WaitingOn search attribute of running cases).
def _partner_missing(state: CaseState) -> str | None:
    if state.stage == Stage.DEPARTED and state.handover is None and state.handover_refused:
        return f"a reintegration partner: {state.handover_refused}; add one, then hand over again"
    return None


def _plan_proposal(state: CaseState) -> str | None:
    if state.stage != Stage.REINTEGRATION:
        return None
    if state.plan is None:
        return "a reintegration plan proposal"
    if state.plan.status == PlanStatus.SENT_BACK:
        return "a new reintegration plan (the last one was sent back)"
    return None


def _closure_proposal(state: CaseState) -> str | None:
    if state.closure_proposal is not None:
        return None
    if state.stage == Stage.CLOSURE:
        return "a closure proposal (monitoring is over)"
    consent = state.consent
    if state.stage == Stage.DEPARTED and (consent is None or not consent.share_with_partner):
        return "a closure proposal: no consent to share data with a reintegration partner"
    return None


WAITS: list[Callable[[CaseState], str | None]] = [
    _partner_missing,
    _plan_proposal,
    _closure_proposal,
]


# The projection's column (models/tables.py Case.awaiting); PostgreSQL refuses longer.
AWAITING_MAX = 300


def waits_for(state: CaseState, kind: TaskKind) -> str:
    """What the case waits for on one open task (the body of the reminder that opened it)."""
    task = RULES[kind](state)
    assert task is not None
    return task.awaiting


def awaiting(state: CaseState) -> str | None:
    """What the case waits for, in the order of the process: its open tasks, then what no
    queue holds. ``CaseState.awaiting`` keeps it (set on every change, see run.py)."""
    if state.status != CaseStatus.ACTIVE:
        return None
    said = [task.awaiting for task in _open(state).values()]
    said += [text for wait in WAITS if (text := wait(state)) is not None]
    sentence = "; ".join(said)
    if len(sentence) > AWAITING_MAX:
        sentence = sentence[: AWAITING_MAX - 1] + "…"
    return sentence or None


def _open(state: CaseState) -> dict[TaskKind, Open]:
    if state.status != CaseStatus.ACTIVE:
        return {}
    found = {kind: rule(state) for kind, rule in RULES.items()}
    return {kind: hit for kind, hit in found.items() if hit is not None}


def track(state: CaseState, now: datetime) -> None:
    """Remember when each open task opened; forget closed ones (called on every change)."""
    current = _open(state)
    state.task_since = {kind: state.task_since.get(kind, now) for kind in current}


def open_tasks(state: CaseState, now: datetime) -> list[TaskInfo]:
    """The case's open tasks, oldest first; due = opened + the kind's SLA (if it has one)."""
    out = []
    sla = state.policy.task_sla_hours
    for kind, (role, summary, _) in _open(state).items():
        since = state.task_since.get(kind, now)
        hours = sla.get(kind)
        if kind == TaskKind.EMBASSY_ANSWER:
            due = state.documents.deadline_at
        else:
            due = since + timedelta(hours=hours) if hours is not None else None
        out.append(
            TaskInfo(kind=kind, stage=state.stage, role=role, since=since, due_at=due,
                     summary=summary)
        )
    return sorted(out, key=lambda t: (t.since, t.kind))


def waiting_on(tasks: list[TaskInfo]) -> str | None:
    """Who the case waits on, for the WaitingOn search attribute: the oldest task's role."""
    return tasks[0].role.value if tasks else None
