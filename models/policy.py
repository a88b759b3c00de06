"""Project rules a case runs under: grant policy, travel lead times, embassy chasing cadence.

Defaults live here, independent of Settings, so the later projects issue can supply a
``CasePolicy`` per project; the workflow gets its policy in its input and never reads config.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field

from models.document_kinds import DocumentKind
from models.enums import Dimension, TaskKind, Vulnerability

DEFAULT_TOP_UPS: dict[Vulnerability, Decimal] = {
    Vulnerability.UNACCOMPANIED_MINOR: Decimal("200.00"),
    Vulnerability.MEDICAL_CONDITION: Decimal("200.00"),
    Vulnerability.TRAFFICKING_VICTIM: Decimal("300.00"),
    Vulnerability.ELDERLY: Decimal("100.00"),
    Vulnerability.DISABILITY: Decimal("200.00"),
    Vulnerability.SINGLE_PARENT: Decimal("150.00"),
    Vulnerability.PREGNANT: Decimal("100.00"),
}


class GrantPolicy(BaseModel):
    currency: str = Field(default="EUR", min_length=3, max_length=3)
    per_adult: Decimal = Decimal("300.00")
    per_child: Decimal = Decimal("150.00")
    top_ups: dict[Vulnerability, Decimal] = Field(default_factory=lambda: dict(DEFAULT_TOP_UPS))


class LeadTimeRules(BaseModel):
    """EU programme rules: register >= 19 calendar days, flight details >= 5 working days ahead."""

    registration_calendar_days: int = Field(default=19, ge=0)
    # Vulnerable travellers need more preparation: extra registration days, the largest applies.
    extra_registration_days: dict[Vulnerability, int] = Field(
        default_factory=lambda: {
            Vulnerability.UNACCOMPANIED_MINOR: 11,
            Vulnerability.MEDICAL_CONDITION: 7,
        }
    )
    flight_details_working_days: int = Field(default=5, ge=0)
    # The earliest flight a booking may take, in days after the day it is booked: 1 (the
    # default) refuses a flight on the booking day itself; 0 allows a last-minute seat today.
    earliest_departure_days: int = Field(default=1, ge=0)
    # Warn when the voluntary-departure deadline is this close and the person has not left.
    departure_deadline_warning_days: int = Field(default=7, ge=0)


class ChasingPolicy(BaseModel):
    """How the workflow chases an embassy for a travel document.

    Every reminder kind takes its timing from the case's policy, never from code or Settings:

    - "chase the embassy" (to caseworkers): every ``reminder_every_days`` while a request is
      unanswered, counted from the request or the last chase;
    - "embassy deadline reached" (to caseworkers): once, ``deadline_days`` after the request
      (an escalation restarts both clocks);
    - "no-show" (to caseworkers): once, ``CasePolicy.no_show_after_hours`` after the booked
      departure day began without a confirmed departure;
    - "travel document escalated" (to supervisors): at once, on the caseworker's decision.

    Each stops as soon as the case moves on (an answer, a departure, a closure): the workflow's
    timers are computed from its current state, see ``workflows/timers.py`` ``next_due``.
    """

    reminder_every_days: int = Field(default=7, ge=1)
    deadline_days: int = Field(default=60, ge=1)


class ReintegrationCaps(BaseModel):
    """Caps on a household's reintegration plan: per adult plus per minor, in ``currency``."""

    currency: str = Field(default="EUR", min_length=3, max_length=3)
    per_adult: Decimal = Field(default=Decimal("2000.00"), ge=0)
    per_minor: Decimal = Field(default=Decimal("1000.00"), ge=0)


class Indicator(BaseModel):
    """One monitoring indicator, rated 0..``scale_max`` at each visit (higher is better)."""

    key: str = Field(pattern=r"^[a-z_]{1,40}$")
    dimension: Dimension
    question: str
    weight: Decimal = Field(default=Decimal(1), gt=0)


# Homeward's own default indicator set, NOT any organisation's official scale: three
# indicators per dimension, each rated 0 (worst) to 4 (best) by the partner at a visit.
DEFAULT_INDICATORS: list[Indicator] = [
    Indicator(key="income_sufficiency", dimension=Dimension.ECONOMIC, weight=Decimal(2),
              question="Income covers the household's basic needs"),
    Indicator(key="work_stability", dimension=Dimension.ECONOMIC,
              question="Has stable work or a running business"),
    Indicator(key="debt_manageable", dimension=Dimension.ECONOMIC,
              question="Debts are manageable"),
    Indicator(key="housing", dimension=Dimension.SOCIAL, weight=Decimal(2),
              question="Lives in adequate, secure housing"),
    Indicator(key="services_access", dimension=Dimension.SOCIAL,
              question="Has access to health care and schooling"),
    Indicator(key="civil_documents", dimension=Dimension.SOCIAL,
              question="Holds identity and civil documents"),
    Indicator(key="wellbeing", dimension=Dimension.PSYCHOSOCIAL,
              question="Reports no lasting distress"),
    Indicator(key="safety", dimension=Dimension.PSYCHOSOCIAL,
              question="Feels safe where they live"),
    Indicator(key="support_network", dimension=Dimension.PSYCHOSOCIAL,
              question="Has family or community support"),
]


class ScoringPolicy(BaseModel):
    """How a monitoring report becomes a sustainability score (0.00-1.00) per dimension.

    A dimension's score is the weighted mean of its indicators divided by ``scale_max``; the
    overall score is the weighted mean of the dimension scores (``dimension_weights``).
    """

    scale_max: int = Field(default=4, ge=1, le=100)
    indicators: list[Indicator] = Field(default_factory=lambda: list(DEFAULT_INDICATORS))
    dimension_weights: dict[Dimension, Decimal] = Field(
        default_factory=lambda: {d: Decimal(1) for d in Dimension}
    )


class AftercarePolicy(BaseModel):
    """Timing after departure: arrival confirmation, post-arrival help, monitoring visits."""

    # The partner confirms arrival within this many days of the departure day, else the
    # partner and the caseworker are reminded; after ``arrival_escalation_days`` more, a
    # supervisor is alerted.
    arrival_confirmation_days: int = Field(default=2, ge=1)
    arrival_escalation_days: int = Field(default=3, ge=1)
    # Post-arrival assistance is recorded within this many working days of arrival.
    assistance_window_working_days: int = Field(default=14, ge=1)
    # Monitoring visits, in months after arrival; reminders before, overdue after the grace.
    monitoring_months: list[int] = Field(default_factory=lambda: [3, 6, 12], min_length=1)
    visit_reminder_days_before: int = Field(default=7, ge=0)
    visit_grace_days: int = Field(default=14, ge=0)
    # An unaccompanied minor after return: family tracing due this many days after the
    # arrival, best-interests follow-ups this many months after it (reminded and overdue as
    # the monitoring visits).
    minor_tracing_days: int = Field(default=14, ge=1)
    minor_best_interests_months: list[int] = Field(default_factory=lambda: [1, 3, 6])
    scoring: ScoringPolicy = Field(default_factory=ScoringPolicy)
    # A run continues as new once its history passes this many events (Temporal warns at
    # 10,240), so a case that lives for years keeps each run's history small.
    continue_as_new_after_events: int = Field(default=2000, ge=100)
# How long a decision may wait before the case counts as stuck (hours), per task kind.
DEFAULT_TASK_SLA_HOURS: dict[TaskKind, int] = {
    TaskKind.COMPLETE_INTAKE: 14 * 24,
    TaskKind.ASSESS_ELIGIBILITY: 5 * 24,
    TaskKind.APPROVE_ELIGIBILITY: 2 * 24,
    TaskKind.RECORD_CONSENT: 7 * 24,
    TaskKind.VULNERABILITY_STEPS: 14 * 24,
    TaskKind.ASSESS_TRAVEL_DOCUMENTS: 5 * 24,
    TaskKind.DOCUMENT_DECISION: 2 * 24,
    TaskKind.CLEARANCE: 10 * 24,
    TaskKind.BOOK_TRAVEL: 5 * 24,
    TaskKind.DESK_BOOKING: 2 * 24,
    TaskKind.NO_SHOW_DECISION: 24,
    TaskKind.APPROVE_GRANT: 2 * 24,
    TaskKind.RETRY_PAYMENT: 2 * 24,
    TaskKind.APPROVE_CLOSURE: 2 * 24,
    TaskKind.APPROVE_PLAN: 5 * 24,
    # Arrival and monitoring visits have business deadlines instead (workflows/deadlines.py).
}


class PartnerTiming(BaseModel):
    """The partner chosen before departure: when it must answer, when it is told the travel."""

    # The partner accepts or declines within this many days of seeing the case; else the
    # case is stuck and a supervisor is told.
    answer_days: int = Field(default=7, ge=1)
    # The pre-arrival package goes this many days before departure (again on every change).
    pre_arrival_days: int = Field(default=3, ge=0)


class CasePolicy(BaseModel):
    grant: GrantPolicy = Field(default_factory=GrantPolicy)
    lead_times: LeadTimeRules = Field(default_factory=LeadTimeRules)
    chasing: ChasingPolicy = Field(default_factory=ChasingPolicy)
    reintegration: ReintegrationCaps = Field(default_factory=ReintegrationCaps)
    aftercare: AftercarePolicy = Field(default_factory=AftercarePolicy)
    partners: PartnerTiming = Field(default_factory=PartnerTiming)
    # A booked person not confirmed as departed this long after the departure day began is a no-show.
    no_show_after_hours: int = Field(default=24, ge=1)
    # SLA per task kind; a kind missing here has no SLA (e.g. the embassy's answer, which
    # has its own deadline in ``chasing``). Settings can override (HOMEWARD_TASK_SLA_HOURS).
    task_sla_hours: dict[TaskKind, float] = Field(
        default_factory=lambda: dict(DEFAULT_TASK_SLA_HOURS)
    )
    # Documents a decision needs on the case first: the decision's workflow update name
    # (e.g. "record_consent") -> the kinds to upload. Checked by the API before the workflow
    # is asked (api/document_requirements.py), from the project's current policy; none
    # by default.
    required_documents: dict[str, list[DocumentKind]] = Field(default_factory=dict)


DEFAULT_CASE_POLICY = CasePolicy()


class GrantLine(BaseModel):
    member_id: str
    base: Decimal
    top_ups: dict[Vulnerability, Decimal] = Field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.base + sum(self.top_ups.values(), Decimal(0))


def grant_lines(
    policy: GrantPolicy, members: list[tuple[str, bool, list[Vulnerability]]]
) -> list[GrantLine]:
    """One line per traveller: (member_id, is_minor, vulnerabilities) -> base + top-ups."""
    lines = []
    for member_id, is_minor, flags in members:
        base = policy.per_child if is_minor else policy.per_adult
        top_ups = {f: policy.top_ups[f] for f in flags if f in policy.top_ups}
        lines.append(GrantLine(member_id=member_id, base=base, top_ups=top_ups))
    return lines


def working_days_between(start: date, end: date) -> int:
    """Working days (Mon-Fri) after ``start`` up to and including ``end``; public holidays ignored."""
    days, d = 0, start
    while d < end:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days += 1
    return days
