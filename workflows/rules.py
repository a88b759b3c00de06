"""Pure decision rules of a return case: what each decision requires, what blocks departure.

Plain functions over ``CaseState`` (no I/O, no clock: the workflow passes ``today``), so the
workflow's validators stay one line each and the rules can be tested without Temporal.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from temporalio.exceptions import ApplicationError

from models.enums import (
    BookingStatus,
    CaseStatus,
    ClearanceKind,
    DocumentStatus,
    GrantStatus,
    LocationType,
    Role,
    Stage,
    StepKind,
    Vulnerability,
)
from models.payloads import Actor, CaseState, Traveller, VulnerabilityStep
from models.policy import working_days_between
from workflows.refusals import refusal

STAFF = (Role.CASEWORKER, Role.SUPERVISOR)
BEFORE_DEPARTURE = (
    Stage.INTAKE,
    Stage.ELIGIBILITY,
    Stage.CONSENT,
    Stage.VULNERABILITY,
    Stage.TRAVEL_DOCUMENTS,
    Stage.CLEARANCE,
    Stage.TRAVEL,
)
AFTER_CONSENT = (Stage.VULNERABILITY, Stage.TRAVEL_DOCUMENTS, Stage.CLEARANCE, Stage.TRAVEL)

STEPS_BY_FLAG: dict[Vulnerability, tuple[StepKind, ...]] = {
    Vulnerability.UNACCOMPANIED_MINOR: (
        StepKind.GUARDIAN_CONSENT,
        StepKind.BEST_INTERESTS_ASSESSMENT,
        StepKind.RECEPTION_ARRANGEMENT,
    ),
    Vulnerability.MEDICAL_CONDITION: (StepKind.FIT_TO_TRAVEL, StepKind.ESCORT_DECISION),
    Vulnerability.PREGNANT: (StepKind.FIT_TO_TRAVEL,),
    Vulnerability.TRAFFICKING_VICTIM: (StepKind.RISK_ASSESSMENT, StepKind.SPECIALISED_REFERRAL),
    Vulnerability.ELDERLY: (StepKind.AIRPORT_ASSISTANCE,),
    Vulnerability.DISABILITY: (StepKind.AIRPORT_ASSISTANCE,),
}


def refuse(reason: str) -> ApplicationError:
    """A refusal the API returns as a 409; non-retryable so it never loops."""
    return ApplicationError(reason, type="DecisionRefused", non_retryable=True)


def require_stage(state: CaseState, stages: Iterable[Stage], action: str) -> None:
    allowed = tuple(stages)
    if state.stage not in allowed:
        names = "', '".join(s.value for s in allowed)
        raise refusal("wrong_stage", action=action, stage=state.stage, allowed=names)


def require_role(actor: Actor, roles: Iterable[Role], action: str) -> None:
    allowed = tuple(roles)
    if actor.role not in allowed:
        names = ", ".join(r.value for r in allowed)
        raise refusal("role_not_allowed", action=action, role=actor.role, allowed=names)


def require_four_eyes(actor: Actor, first: str, action: str) -> None:
    """A second person: not who proposed (who may decide at all is the declaration's)."""
    if actor.id == first:
        raise refusal("four_eyes", action=action)


def require_not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise refusal("date_in_future", field=field, day=day)


def steps_for(household: list[Traveller]) -> list[VulnerabilityStep]:
    """Each vulnerability flag adds its steps, once per person."""
    steps: list[VulnerabilityStep] = []
    for member in household:
        kinds: list[StepKind] = []
        for flag in member.vulnerabilities:
            kinds += [k for k in STEPS_BY_FLAG.get(flag, ()) if k not in kinds]
        steps += [VulnerabilityStep(member_id=member.member_id, kind=k) for k in kinds]
    return steps


def sync_steps(steps: list[VulnerabilityStep], household: list[Traveller]) -> list[VulnerabilityStep]:
    """The steps after the household's flags changed: what is done stays (it happened), an
    undone step no remaining flag needs goes, a step a new flag needs is added once."""
    wanted = {(s.member_id, s.kind) for s in steps_for(household)}
    kept = [s for s in steps if s.done or (s.member_id, s.kind) in wanted]
    have = {(s.member_id, s.kind) for s in kept}
    return kept + [s for s in steps_for(household) if (s.member_id, s.kind) not in have]


def unaccompanied_flags(household: list[Traveller]) -> None:
    """A minor travelling without an adult is an unaccompanied minor (as a new case is
    validated, models/schemas.py): after a correction or a member joining or leaving, the flag
    follows who is a minor and whether an adult travels."""
    flag = Vulnerability.UNACCOMPANIED_MINOR
    alone = not any(not m.is_minor for m in household)
    for m in household:
        if m.is_minor and alone and flag not in m.vulnerabilities:
            m.vulnerabilities.append(flag)
        elif (not m.is_minor or not alone) and flag in m.vulnerabilities:
            m.vulnerabilities.remove(flag)


def member_of(state: CaseState, member_id: str) -> Traveller:
    for m in state.household:
        if m.member_id == member_id:
            return m
    raise refusal("member_not_travelling", member=member_id)


def find_step(state: CaseState, member_id: str, kind: StepKind) -> VulnerabilityStep:
    for step in state.steps:
        if step.member_id == member_id and step.kind == kind:
            return step
    raise refusal("step_not_required", kind=kind, member=member_id)


def escort_required(state: CaseState) -> bool:
    return any(s.kind == StepKind.ESCORT_DECISION and s.escort_required for s in state.steps)


def needs_documents(household: list[Traveller], planned_departure: date) -> list[str]:
    """Travellers without a passport valid after the planned departure."""
    return [
        m.member_id
        for m in household
        if m.passport_valid_until is None or m.passport_valid_until <= planned_departure
    ]


def clearance_required(state: CaseState) -> set[ClearanceKind]:
    kinds = {ClearanceKind.EXIT_CLEARANCE}
    if state.location_type == LocationType.DETENTION_CENTRE:
        kinds.add(ClearanceKind.RELEASE_FROM_DETENTION)
    return kinds


def clearance_done(state: CaseState) -> bool:
    return clearance_required(state) <= {c.kind for c in state.clearance.confirmations}


def departure_blockers(state: CaseState, departure: date) -> list[str]:
    """Why the household cannot leave on ``departure``; empty when it can."""
    blockers = [
        f"{s.kind.value} for member {s.member_id} is not done" for s in state.steps if not s.done
    ]
    for s in state.steps:
        if (
            s.kind == StepKind.FIT_TO_TRAVEL
            and s.done
            and s.valid_until
            and s.valid_until < departure
        ):
            blockers.append(
                f"fit-to-travel certificate of member {s.member_id} expires {s.valid_until}"
            )
    return blockers


def registration_days(state: CaseState) -> int:
    """Calendar days of lead time this household needs: the base plus its largest extra."""
    rules = state.policy.lead_times
    flags = {f for m in state.household for f in m.vulnerabilities}
    extra = [days for flag, days in rules.extra_registration_days.items() if flag in flags]
    return rules.registration_calendar_days + max(extra, default=0)


def warnings(state: CaseState, today: date) -> list[str]:
    """What the case view shows in amber: lead times, deadlines, expiring certificates."""
    out: list[str] = []
    if state.grant and state.grant.status == GrantStatus.PAYMENT_FAILED:
        out.append(f"the cash grant payment was declined: {state.grant.reason}")
    if state.stage not in BEFORE_DEPARTURE:
        return out
    rules = state.policy.lead_times
    booking = state.active_booking
    departure = booking.departure_date if booking else state.documents.planned_departure
    if booking and booking.status == BookingStatus.BOOKED:
        ahead = (booking.departure_date - booking.requested_on).days
        required = registration_days(state)
        if ahead < required:
            out.append(
                f"lead time: registered {ahead} calendar days before departure, "
                f"the rule is at least {required}"
            )
        working = working_days_between(booking.requested_on, booking.departure_date)
        if working < rules.flight_details_working_days:
            out.append(
                f"lead time: flight details sent {working} working days before departure, "
                f"the rule is at least {rules.flight_details_working_days}"
            )
    deadline = state.voluntary_departure_deadline
    if deadline:
        if departure and departure > deadline:
            out.append(
                f"departure {departure} is after the voluntary-departure deadline {deadline}"
            )
        elif today > deadline:
            out.append(f"the voluntary-departure deadline {deadline} has passed")
        elif (deadline - today).days <= rules.departure_deadline_warning_days:
            out.append(
                f"the voluntary-departure deadline {deadline} is in {(deadline - today).days} days"
            )
    for s in state.steps:
        if s.kind == StepKind.FIT_TO_TRAVEL and s.done and s.valid_until:
            if s.valid_until < today:
                out.append(
                    f"fit-to-travel certificate of member {s.member_id} expired {s.valid_until}"
                )
            elif departure and s.valid_until < departure:
                out.append(
                    f"fit-to-travel certificate of member {s.member_id} expires {s.valid_until}, "
                    f"before departure {departure}"
                )
    open_steps = [s for s in state.steps if not s.done]
    if open_steps and state.stage in AFTER_CONSENT:
        out.append(f"departure blocked: {len(open_steps)} vulnerability step(s) outstanding")
    return out


def awaits_caseworker(state: CaseState) -> bool:
    """Whether the case waits for a caseworker's decision (listed in the daily digest):
    an embassy refusal or passed deadline, a no-show, a declined payment, a sent-back
    assessment. Supervisor approvals and external answers are not."""
    if state.status == CaseStatus.CLOSED or state.awaiting is None:
        return False
    booking, grant, e = state.active_booking, state.grant, state.eligibility
    return (
        state.documents.status in (DocumentStatus.REFUSED, DocumentStatus.DEADLINE_REACHED)
        or (booking is not None and booking.status == BookingStatus.NO_SHOW)
        or (grant is not None and grant.status == GrantStatus.PAYMENT_FAILED)
        or (e is not None and e.approved is False)
    )
