"""The case's open tasks: every decision its workflow waits for, derived from its state.

Pure (no I/O, no clock but the ``now`` passed in), so the workflow projects them, the tests
check them without Temporal, and a new kind is one small rule in ``RULES``:

    def _arrival(s: CaseState) -> Open:
        return (Role.PARTNER, "confirm the household's arrival") if s.stage == Stage.ARRIVAL else None

A rule returns who may take the task and a summary (no personal data), or None when the
task is not open. When it opened is kept in ``CaseState.task_since`` (see ``track``), its
due time is that plus the SLA of its kind in the case's policy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from models.enums import (  # HUMAN_ROLES: api/stuck.py imports it from here
    HUMAN_ROLES,  # noqa: F401
    BookingStatus,
    CaseStatus,
    DocumentStatus,
    GrantStatus,
    PlanStatus,
    Role,
    Stage,
    TaskKind,
)
from models.payloads import CaseState, TaskInfo
from workflows import rules

Open = tuple[Role, str] | None
Rule = Callable[[CaseState], Open]


def _intake(s: CaseState) -> Open:
    return (Role.CASEWORKER, "complete the intake") if s.stage == Stage.INTAKE else None


def _assess_eligibility(s: CaseState) -> Open:
    e = s.eligibility
    if s.stage == Stage.ELIGIBILITY and (e is None or e.approved is False):
        return Role.CASEWORKER, "assess eligibility"
    return None


def _approve_eligibility(s: CaseState) -> Open:
    e = s.eligibility
    if s.stage == Stage.ELIGIBILITY and e is not None and e.approved is None:
        return Role.SUPERVISOR, "approve the eligibility assessment"
    return None


def _consent(s: CaseState) -> Open:
    return (Role.CASEWORKER, "record informed consent") if s.stage == Stage.CONSENT else None


def _steps(s: CaseState) -> Open:
    open_steps = [step for step in s.steps if not step.done]
    if open_steps and s.stage in rules.AFTER_CONSENT:
        return Role.CASEWORKER, f"complete {len(open_steps)} vulnerability step(s)"
    return None


def _assess_documents(s: CaseState) -> Open:
    if (
        s.stage in (Stage.VULNERABILITY, Stage.TRAVEL_DOCUMENTS)
        and s.documents.status == DocumentStatus.NOT_ASSESSED
    ):
        return Role.CASEWORKER, "assess the household's travel documents"
    return None


def _embassy_answer(s: CaseState) -> Open:
    if s.documents.status == DocumentStatus.REQUESTED:
        return Role.EMBASSY_LIAISON, f"the embassy's answer to request {s.documents.request_ref}"
    return None


def _document_decision(s: CaseState) -> Open:
    if s.documents.status in (DocumentStatus.REFUSED, DocumentStatus.DEADLINE_REACHED):
        return Role.CASEWORKER, "decide on the travel document: request again, escalate or close"
    return None


def _clearance(s: CaseState) -> Open:
    if s.stage == Stage.CLEARANCE and not rules.clearance_done(s):
        return Role.BORDER_GUARD, "clearance by the authorities"
    return None


def _book(s: CaseState) -> Open:
    if s.stage == Stage.TRAVEL and s.active_booking is None:
        return Role.CASEWORKER, "book the travel"
    return None


def _departure(s: CaseState) -> Open:
    b = s.active_booking
    if s.stage == Stage.TRAVEL and b is not None and b.status == BookingStatus.BOOKED:
        return Role.BORDER_GUARD, f"confirm the departure on {b.departure_date}"
    return None


def _no_show(s: CaseState) -> Open:
    b = s.active_booking
    if b is not None and b.status == BookingStatus.NO_SHOW:
        return Role.CASEWORKER, f"decide on the no-show of booking {b.booking_ref}"
    return None


def _approve_grant(s: CaseState) -> Open:
    if s.grant is not None and s.grant.status == GrantStatus.PROPOSED:
        return Role.SUPERVISOR, "approve the cash grant"
    return None


def _retry_payment(s: CaseState) -> Open:
    if s.grant is not None and s.grant.status == GrantStatus.PAYMENT_FAILED:
        return Role.CASEWORKER, "retry the declined grant payment"
    return None


def _approve_closure(s: CaseState) -> Open:
    if s.closure_proposal is not None:
        return Role.SUPERVISOR, f"approve closing the case ({s.closure_proposal.reason})"
    return None


def _confirm_arrival(s: CaseState) -> Open:
    if s.stage == Stage.ARRIVAL and s.arrival.confirmed_on is None:
        return Role.PARTNER, "confirm the household's arrival"
    return None


def _approve_plan(s: CaseState) -> Open:
    if s.plan is not None and s.plan.status == PlanStatus.PROPOSED:
        return Role.SUPERVISOR, "approve the reintegration plan"
    return None


def _monitoring_visit(s: CaseState) -> Open:
    if s.stage != Stage.MONITORING:
        return None
    due = [v for v in s.monitoring.open_visits()]
    if not due:
        return None
    return Role.PARTNER, f"report monitoring visit {due[0].number} (due {due[0].due_on})"


RULES: dict[TaskKind, Rule] = {
    TaskKind.COMPLETE_INTAKE: _intake,
    TaskKind.ASSESS_ELIGIBILITY: _assess_eligibility,
    TaskKind.APPROVE_ELIGIBILITY: _approve_eligibility,
    TaskKind.RECORD_CONSENT: _consent,
    TaskKind.VULNERABILITY_STEPS: _steps,
    TaskKind.ASSESS_TRAVEL_DOCUMENTS: _assess_documents,
    TaskKind.EMBASSY_ANSWER: _embassy_answer,
    TaskKind.DOCUMENT_DECISION: _document_decision,
    TaskKind.CLEARANCE: _clearance,
    TaskKind.BOOK_TRAVEL: _book,
    TaskKind.CONFIRM_DEPARTURE: _departure,
    TaskKind.NO_SHOW_DECISION: _no_show,
    TaskKind.APPROVE_GRANT: _approve_grant,
    TaskKind.RETRY_PAYMENT: _retry_payment,
    TaskKind.APPROVE_CLOSURE: _approve_closure,
    TaskKind.CONFIRM_ARRIVAL: _confirm_arrival,
    TaskKind.APPROVE_PLAN: _approve_plan,
    TaskKind.REPORT_MONITORING_VISIT: _monitoring_visit,
}


def _open(state: CaseState) -> dict[TaskKind, tuple[Role, str]]:
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
    for kind, (role, summary) in _open(state).items():
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
