"""Unaccompanied minors after return: the handover at arrival to a parent, guardian or care
institution, family tracing and best-interests follow-ups on a schedule, and the rule that a
minor's case is not closed as completed without the handover record.

The workflow knows facts only: which members are unaccompanied minors (ids), the id of each
handover's database record, whether identity was checked, the follow-ups' dates. Whom a
child went to stays in the database (``minor_handovers``, api/minors.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from temporalio import workflow

from models import decisions as inputs
from models.enums import (
    CaseStatus,
    ClosureReason,
    MinorFollowUpKind,
    TimelineKind,
    Vulnerability,
)
from models.payloads import CaseState
from models.reintegration import MinorFollowUp
from workflows import effects, patches, rules
from workflows.aftercare import add_months, at_midnight
from workflows.aftercare_checks import partner_or_staff
from workflows.refusals import REFUSALS, refusal
from workflows.run import CaseRun

HANDOVER_MISSING = REFUSALS["handover_missing"]


def unaccompanied(state: CaseState) -> list[str]:
    return [t.member_id for t in state.household
            if Vulnerability.UNACCOMPANIED_MINOR in t.vulnerabilities]


def schedule(state: CaseState, arrived: date) -> list[MinorFollowUp]:
    policy = state.policy.aftercare
    out: list[MinorFollowUp] = []
    for member_id in unaccompanied(state):
        out.append(MinorFollowUp(member_id=member_id, kind=MinorFollowUpKind.FAMILY_TRACING,
                                 number=1, due_on=arrived + timedelta(days=policy.minor_tracing_days)))
        out += [MinorFollowUp(member_id=member_id, kind=MinorFollowUpKind.BEST_INTERESTS,
                              number=i + 1, due_on=add_months(arrived, months))
                for i, months in enumerate(policy.minor_best_interests_months)]
    return out


def on_arrival(case: CaseRun, arrived: date) -> None:
    """At the arrival: the minors' handover is awaited and their follow-ups scheduled."""
    state = case.state
    if not unaccompanied(state) or not workflow.patched(patches.MINOR_AFTERCARE):
        return
    state.minors.member_ids = unaccompanied(state)
    state.minors.follow_ups = schedule(state, arrived)
    case.record(TimelineKind.DECISION, f"handover and follow-ups of "
                f"{len(state.minors.member_ids)} unaccompanied minor(s) scheduled")


# ---- checks (validators) -------------------------------------------------------------------

def check_handover(s: CaseState, data: inputs.MinorHandoverInput, today: date) -> None:
    if s.status == CaseStatus.CLOSED:
        raise refusal("case_closed")
    if s.departed_on is None:
        raise refusal("handover_before_departure")
    partner_or_staff(s, data.actor, "record a minor's handover")
    if data.member_id not in unaccompanied(s):
        raise refusal("handover_not_unaccompanied")
    if data.member_id in s.minors.handovers:
        raise refusal("handover_recorded_already")
    rules.require_not_future(data.handed_over_on, today, "handed_over_on")


def check_follow_up(s: CaseState, data: inputs.MinorFollowUpInput, today: date) -> None:
    if s.status == CaseStatus.CLOSED:
        raise refusal("case_closed")
    partner_or_staff(s, data.actor, "report a minor's follow-up")
    if _open(s, data.member_id, data.kind) is None:
        raise refusal("no_follow_up_open", kind=data.kind.replace("_", " "))
    rules.require_not_future(data.done_on, today, "done_on")


def check_closure(s: CaseState, reason: ClosureReason) -> None:
    """Part of the closure's checks (proposal and decision)."""
    if reason == ClosureReason.COMPLETED and any(
            m not in s.minors.handovers for m in unaccompanied(s)):
        raise refusal("handover_missing")


def _open(s: CaseState, member_id: str, kind: MinorFollowUpKind) -> MinorFollowUp | None:
    return next((f for f in s.minors.open_follow_ups()
                 if f.member_id == member_id and f.kind == kind), None)


# ---- update bodies -------------------------------------------------------------------------

def record_handover(case: CaseRun, data: inputs.MinorHandoverInput) -> CaseState:
    state = case.state
    state.minors.handovers[data.member_id] = data.handover_id
    if data.member_id not in state.minors.member_ids:
        state.minors.member_ids.append(data.member_id)
    checked = "identity checked" if data.identity_checked else "identity NOT checked"
    case.decided(data.actor, f"unaccompanied minor handed over to a {data.to_kind.replace('_', ' ')} "
                             f"on {data.handed_over_on} ({checked}), record {data.handover_id}")
    case.touch()
    return state


def report_follow_up(case: CaseRun, data: inputs.MinorFollowUpInput) -> CaseState:
    state = case.state
    follow_up = _open(state, data.member_id, data.kind)
    assert follow_up is not None
    follow_up.done_on, follow_up.done_by = data.done_on, data.actor.id
    late = " (late)" if follow_up.overdue else ""
    follow_up.overdue = False
    case.decided(data.actor, f"minor's {data.kind.replace('_', ' ')} follow-up "
                             f"{follow_up.number} done on {data.done_on}{late}")
    case.touch()
    return state


# ---- timers: reminded before the due day, overdue after the grace (as monitoring visits) ---

def due(state: CaseState) -> list[datetime]:
    policy, dues = state.policy.aftercare, []
    if state.status == CaseStatus.CLOSED:
        return []
    for f in state.minors.open_follow_ups():
        if not f.reminded:
            dues.append(at_midnight(f.due_on - timedelta(days=policy.visit_reminder_days_before)))
        if not f.overdue:
            dues.append(at_midnight(f.due_on + timedelta(days=policy.visit_grace_days)))
    return dues


async def fire(case: CaseRun) -> None:
    state, now, policy = case.state, workflow.now(), case.state.policy.aftercare
    if state.status == CaseStatus.CLOSED:
        return
    for f in state.minors.open_follow_ups():
        what = f"{f.kind.replace('_', ' ')} follow-up {f.number} of an unaccompanied minor"
        if not f.reminded and now >= at_midnight(
                f.due_on - timedelta(days=policy.visit_reminder_days_before)):
            f.reminded = True
            await effects.remind_partner_and_caseworker(
                case, f"{what} due on {f.due_on}", "please follow the child up and report it")
            case.touch()
        if not f.overdue and now >= at_midnight(f.due_on + timedelta(days=policy.visit_grace_days)):
            f.overdue = True
            body = f"{what} was due on {f.due_on} and is not reported"
            await effects.remind_partner_and_caseworker(case, "minor's follow-up overdue", body)
            case.touch()
