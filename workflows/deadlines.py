"""Business deadlines of a case: when each is missed and from when it is at risk.

Pure, like workflows/tasks.py: the workflow projects them into ``case_deadlines``, and the
supervisors' stuck list compares them with the clock at read time (so a deadline turns
"at risk", then "missed", without the workflow doing anything). A new kind is one rule in
``RULES`` returning ``DeadlineInfo`` items (see ``_arrival`` and ``_monitoring``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from models.enums import (
    BookingStatus,
    CaseStatus,
    DeadlineKind,
    DocumentStatus,
    Stage,
    StepKind,
)
from models.payloads import CaseState, DeadlineInfo
from models.policy import working_days_between
from models.reintegration import PartnerAnswer
from workflows import rules

Rule = Callable[[CaseState], list[DeadlineInfo]]


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def end_of(day: date) -> datetime:
    return start_of(day) + timedelta(days=1)


def _departure(s: CaseState) -> date | None:
    booking = s.active_booking
    return booking.departure_date if booking else s.documents.planned_departure


def _planned_at(s: CaseState) -> datetime:
    """When the current departure plan was made: the booking's day, else the last change."""
    booking = s.active_booking
    if booking is not None:
        return start_of(booking.requested_on)
    return s.updated_at or start_of(date(2000, 1, 1))


def _voluntary_departure(s: CaseState) -> list[DeadlineInfo]:
    deadline = s.voluntary_departure_deadline
    if deadline is None or s.stage not in rules.BEFORE_DEPARTURE:
        return []
    due = end_of(deadline)
    warn = start_of(deadline) - timedelta(days=s.policy.lead_times.departure_deadline_warning_days)
    departure = _departure(s)
    detail = f"voluntary-departure deadline {deadline}"
    if departure and departure > deadline:
        warn = min(warn, _planned_at(s))  # the plan itself puts the deadline at risk
        detail += f", departure planned for {departure}"
    return [DeadlineInfo(kind=DeadlineKind.VOLUNTARY_DEPARTURE, due_at=due, at_risk_from=warn,
                         detail=detail)]


def _fit_to_travel(s: CaseState) -> list[DeadlineInfo]:
    if s.stage not in rules.BEFORE_DEPARTURE:
        return []
    departure, out = _departure(s), []
    for step in s.steps:
        if step.kind != StepKind.FIT_TO_TRAVEL or not step.done or step.valid_until is None:
            continue
        warn = start_of(step.valid_until) - timedelta(days=7)
        detail = f"fit-to-travel certificate of member {step.member_id} valid until {step.valid_until}"
        if departure and step.valid_until < departure:
            warn = min(warn, _planned_at(s))
            detail += f", before departure {departure}"
        out.append(DeadlineInfo(kind=DeadlineKind.FIT_TO_TRAVEL, due_at=end_of(step.valid_until),
                                at_risk_from=warn, detail=detail))
    return out


def _lead_time(s: CaseState) -> list[DeadlineInfo]:
    """A booking made too close to departure broke the rule when it was made: missed."""
    booking = s.active_booking
    if booking is None or booking.status != BookingStatus.BOOKED:
        return []
    lead, out = s.policy.lead_times, []
    ahead, required = (booking.departure_date - booking.requested_on).days, rules.registration_days(s)
    if ahead < required:
        out.append(DeadlineInfo(
            kind=DeadlineKind.LEAD_TIME,
            due_at=start_of(booking.departure_date - timedelta(days=required)),
            detail=f"registered {ahead} calendar days before departure, the rule is {required}",
        ))
    working = working_days_between(booking.requested_on, booking.departure_date)
    if working < lead.flight_details_working_days:
        out.append(DeadlineInfo(
            kind=DeadlineKind.LEAD_TIME,
            due_at=start_of(booking.requested_on),
            detail=(f"flight details sent {working} working days before departure, "
                    f"the rule is {lead.flight_details_working_days}"),
        ))
    return out


def _embassy_answer(s: CaseState) -> list[DeadlineInfo]:
    docs = s.documents
    if docs.status not in (DocumentStatus.REQUESTED, DocumentStatus.DEADLINE_REACHED):
        return []
    if docs.deadline_at is None:
        return []
    first_chase = (docs.requested_at or docs.deadline_at) + timedelta(
        days=s.policy.chasing.reminder_every_days
    )
    return [DeadlineInfo(
        kind=DeadlineKind.EMBASSY_ANSWER, due_at=docs.deadline_at,
        at_risk_from=min(first_chase, docs.deadline_at),
        detail=f"embassy answer to request {docs.request_ref} due {docs.deadline_at:%Y-%m-%d}",
    )]


def _arrival(s: CaseState) -> list[DeadlineInfo]:
    a = s.arrival
    if s.stage != Stage.ARRIVAL or a.confirmed_on is not None or a.expected_by is None:
        return []
    return [DeadlineInfo(
        kind=DeadlineKind.ARRIVAL_CONFIRMATION, due_at=a.escalate_at or a.expected_by,
        at_risk_from=a.expected_by,
        detail=f"arrival not confirmed by the partner (expected by {a.expected_by:%Y-%m-%d})",
    )]


def _monitoring(s: CaseState) -> list[DeadlineInfo]:
    if s.stage != Stage.MONITORING:
        return []
    grace = timedelta(days=s.policy.aftercare.visit_grace_days)
    return [
        DeadlineInfo(
            kind=DeadlineKind.MONITORING_VISIT, due_at=start_of(v.due_on) + grace,
            at_risk_from=start_of(v.due_on),
            detail=f"monitoring visit {v.number} due {v.due_on} not reported",
        )
        for v in s.monitoring.open_visits()
    ]


def _partner(s: CaseState) -> list[DeadlineInfo]:
    """The partner chosen before departure: its answer due, or its refusal (missed at once:
    another partner must be chosen)."""
    p = s.partner
    if p is None or s.departed_on is not None or s.stage not in rules.BEFORE_DEPARTURE:
        return []
    if p.answer == PartnerAnswer.DECLINED and p.answered_at is not None:
        return [DeadlineInfo(
            kind=DeadlineKind.PARTNER_DECLINED, due_at=p.answered_at,
            detail=f"partner {p.partner_id} declined the case: {p.reason}; choose another partner",
        )]
    if p.answer != PartnerAnswer.PENDING or p.answer_due is None or p.offered_at is None:
        return []
    return [DeadlineInfo(
        kind=DeadlineKind.PARTNER_ANSWER, due_at=p.answer_due,
        at_risk_from=p.answer_due - timedelta(days=2),
        detail=(f"partner {p.partner_id} has not accepted or declined the case "
                f"(proposed {p.offered_at:%Y-%m-%d}, answer due {p.answer_due:%Y-%m-%d})"),
    )]


RULES: list[Rule] = [
    _voluntary_departure, _fit_to_travel, _lead_time, _embassy_answer, _arrival, _monitoring,
    _partner,
]


def case_deadlines(state: CaseState) -> list[DeadlineInfo]:
    """Every business deadline the case currently has (none once it is closed or suspended)."""
    if state.status != CaseStatus.ACTIVE:
        return []
    return sorted((d for rule in RULES for d in rule(state)), key=lambda d: d.due_at)


def missed(deadline: DeadlineInfo, now: datetime) -> bool:
    return now >= deadline.due_at


def at_risk(deadline: DeadlineInfo, now: datetime) -> bool:
    return deadline.at_risk_from is not None and now >= deadline.at_risk_from and not missed(deadline, now)
