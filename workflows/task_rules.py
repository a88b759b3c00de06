"""The task rules: one small function per kind of decision a case's workflow waits for.

Pure functions of the state. A rule returns who may take the task, its line in the work
queue and what the case waits for (no personal data), or None when the task is not open:

    def _consent(state: CaseState) -> Open | None:
        if state.stage == Stage.CONSENT:
            return Open(Role.CASEWORKER, "record informed consent", "the returnee's informed consent")
        return None

``workflows/tasks.py`` turns them into the case's open tasks and its ``awaiting`` sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from models.enums import (
    BookingStatus,
    CaseStatus,
    DocumentStatus,
    GrantStatus,
    PlanStatus,
    Role,
    Stage,
    TaskKind,
)
from models.payloads import CaseState
from workflows import rules


class Open(NamedTuple):
    """An open task: who may take it, the work queue's line, and what the case waits for
    as the case page, the lists and the daily digest say it."""

    role: Role
    summary: str
    awaiting: str


Rule = Callable[[CaseState], Open | None]


def _intake(state: CaseState) -> Open | None:
    if state.stage == Stage.INTAKE:
        return Open(Role.CASEWORKER, "complete the intake", "completion of the intake")
    return None


def _assess_eligibility(state: CaseState) -> Open | None:
    e = state.eligibility
    if state.stage != Stage.ELIGIBILITY or (e is not None and e.approved is not False):
        return None
    if e is None:
        return Open(Role.CASEWORKER, "assess eligibility", "an eligibility assessment")
    return Open(Role.CASEWORKER, "assess eligibility",
                "a new eligibility assessment (the last one was sent back)")


def _approve_eligibility(state: CaseState) -> Open | None:
    e = state.eligibility
    if state.stage == Stage.ELIGIBILITY and e is not None and e.approved is None:
        return Open(Role.SUPERVISOR, "approve the eligibility assessment",
                    "supervisor approval of the eligibility assessment")
    return None


def _consent(state: CaseState) -> Open | None:
    if state.stage == Stage.CONSENT:
        return Open(Role.CASEWORKER, "record informed consent", "the returnee's informed consent")
    return None


def _steps(state: CaseState) -> Open | None:
    open_steps = [step for step in state.steps if not step.done]
    if open_steps and state.stage in rules.AFTER_CONSENT:
        n = len(open_steps)
        return Open(Role.CASEWORKER, f"complete {n} vulnerability step(s)",
                    f"{n} vulnerability step(s) to complete before departure")
    return None


def _assess_documents(state: CaseState) -> Open | None:
    if (
        state.stage in (Stage.VULNERABILITY, Stage.TRAVEL_DOCUMENTS)
        and state.documents.status == DocumentStatus.NOT_ASSESSED
    ):
        return Open(Role.CASEWORKER, "assess the household's travel documents",
                    "an assessment of the household's travel documents")
    return None


def _embassy_answer(state: CaseState) -> Open | None:
    if state.documents.status == DocumentStatus.REQUESTED:
        ref = state.documents.request_ref
        return Open(Role.EMBASSY_LIAISON, f"the embassy's answer to request {ref}",
                    f"the embassy's answer to request {ref}")
    return None


def _document_decision(state: CaseState) -> Open | None:
    summary = "decide on the travel document: request again, escalate or close"
    if state.documents.status == DocumentStatus.REFUSED:
        return Open(Role.CASEWORKER, summary,
                    "decision on the embassy's refusal: request again, escalate or close")
    if state.documents.status == DocumentStatus.DEADLINE_REACHED:
        return Open(Role.CASEWORKER, summary,
                    "decision on the travel document: the embassy's deadline has passed")
    return None


def _clearance(state: CaseState) -> Open | None:
    if state.stage == Stage.CLEARANCE and not rules.clearance_done(state):
        return Open(Role.BORDER_GUARD, "clearance by the authorities",
                    "clearance by the authorities")
    return None


def _book(state: CaseState) -> Open | None:
    if state.stage == Stage.TRAVEL and state.active_booking is None and not state.desk_request:
        return Open(Role.CASEWORKER, "book the travel", "the travel booking")
    return None


def _desk_booking(state: CaseState) -> Open | None:
    request = state.desk_request
    if request is not None:
        escort = ", with an escort" if request.escort else ""
        return Open(Role.TRAVEL_DESK, f"book the travel for {request.departure_date}{escort}",
                    f"the travel desk's booking for {request.departure_date}")
    return None


def _departure(state: CaseState) -> Open | None:
    b = state.active_booking
    if state.stage == Stage.TRAVEL and b is not None and b.status == BookingStatus.BOOKED:
        return Open(Role.BORDER_GUARD, f"confirm the departure on {b.departure_date}",
                    f"the border guard's confirmation of the departure on {b.departure_date}")
    return None


def _no_show(state: CaseState) -> Open | None:
    b = state.active_booking
    if b is not None and b.status == BookingStatus.NO_SHOW:
        return Open(Role.CASEWORKER, f"decide on the no-show of booking {b.booking_ref}",
                    f"decision on the no-show of booking {b.booking_ref}: rebook or suspend")
    return None


def _approve_grant(state: CaseState) -> Open | None:
    if state.grant is not None and state.grant.status == GrantStatus.PROPOSED:
        return Open(Role.SUPERVISOR, "approve the cash grant",
                    "supervisor approval of the cash grant")
    return None


def _retry_payment(state: CaseState) -> Open | None:
    if state.grant is not None and state.grant.status == GrantStatus.PAYMENT_FAILED:
        return Open(Role.CASEWORKER, "retry the declined grant payment",
                    "decision on the declined grant payment: retry it")
    return None


def _cash_handover(state: CaseState) -> Open | None:
    g = state.grant
    if g is not None and g.status == GrantStatus.PAYMENT_PENDING and g.payment_method == "cash":
        return Open(Role.CASEWORKER, "record the cash hand-over with the signed receipt",
                    "the cash grant's hand-over against a signed receipt")
    return None


def _approve_closure(state: CaseState) -> Open | None:
    if state.closure_proposal is not None:
        return Open(Role.SUPERVISOR, f"approve closing the case ({state.closure_proposal.reason})",
                    "supervisor approval of the closure")
    return None


def _confirm_arrival(state: CaseState) -> Open | None:
    if state.stage == Stage.ARRIVAL and state.arrival.confirmed_on is None:
        partner = f" (partner {state.handover.partner_id})" if state.handover else ""
        return Open(Role.PARTNER, "confirm the household's arrival",
                    f"the partner's confirmation of the arrival{partner}")
    return None


def _approve_plan(state: CaseState) -> Open | None:
    if state.plan is not None and state.plan.status == PlanStatus.PROPOSED:
        return Open(Role.SUPERVISOR, "approve the reintegration plan",
                    "supervisor approval of the reintegration plan")
    return None


def _monitoring_visit(state: CaseState) -> Open | None:
    if state.stage != Stage.MONITORING:
        return None
    due = state.monitoring.open_visits()
    if not due:
        return None
    return Open(Role.PARTNER, f"report monitoring visit {due[0].number} (due {due[0].due_on})",
                f"monitoring visit {due[0].number}, due on {due[0].due_on}")


def _minor_handover(state: CaseState) -> Open | None:
    if state.status == CaseStatus.CLOSED or not state.minors.without_handover():
        return None
    return Open(Role.PARTNER, "record the unaccompanied minor's handover at arrival",
                "the record of the unaccompanied minor's handover (to whom, identity checked)")


def _minor_follow_up(state: CaseState) -> Open | None:
    due = state.minors.open_follow_ups()
    if state.status == CaseStatus.CLOSED or not due:
        return None
    what = f"{due[0].kind.replace('_', ' ')} follow-up {due[0].number} of an unaccompanied minor"
    return Open(Role.PARTNER, f"report the {what} (due {due[0].due_on})",
                f"the {what}, due on {due[0].due_on}")


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
    TaskKind.DESK_BOOKING: _desk_booking,
    TaskKind.CONFIRM_DEPARTURE: _departure,
    TaskKind.NO_SHOW_DECISION: _no_show,
    TaskKind.APPROVE_GRANT: _approve_grant,
    TaskKind.RETRY_PAYMENT: _retry_payment,
    TaskKind.RECORD_CASH_HANDOVER: _cash_handover,
    TaskKind.APPROVE_CLOSURE: _approve_closure,
    TaskKind.CONFIRM_ARRIVAL: _confirm_arrival,
    TaskKind.APPROVE_PLAN: _approve_plan,
    TaskKind.REPORT_MONITORING_VISIT: _monitoring_visit,
    TaskKind.MINOR_HANDOVER: _minor_handover,
    TaskKind.MINOR_FOLLOW_UP: _minor_follow_up,
}
