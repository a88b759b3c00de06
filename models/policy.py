"""Project rules a case runs under: grant policy, travel lead times, embassy chasing cadence.

Defaults live here, independent of Settings, so the later projects issue can supply a
``CasePolicy`` per project; the workflow gets its policy in its input and never reads config.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field

from models.enums import Vulnerability

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
    timers are computed from its current state, see ``CaseRun.next_due``.
    """

    reminder_every_days: int = Field(default=7, ge=1)
    deadline_days: int = Field(default=60, ge=1)


class CasePolicy(BaseModel):
    grant: GrantPolicy = Field(default_factory=GrantPolicy)
    lead_times: LeadTimeRules = Field(default_factory=LeadTimeRules)
    chasing: ChasingPolicy = Field(default_factory=ChasingPolicy)
    # A booked person not confirmed as departed this long after the departure day began is a no-show.
    no_show_after_hours: int = Field(default=24, ge=1)


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
