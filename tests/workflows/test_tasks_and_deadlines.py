"""Tasks and deadlines derived from a case's state (pure functions, no Temporal)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from models.enums import (
    BookingStatus,
    ClosureReason,
    DeadlineKind,
    DocumentStatus,
    GrantStatus,
    LegalSituation,
    LocationType,
    Role,
    Stage,
    StepKind,
    TaskKind,
)
from models.payloads import Booking, CaseState, Eligibility, Grant, VulnerabilityStep
from models.reintegration import ClosureProposal, MonitoringVisit
from workflows import deadlines, tasks

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def state(**fields: object) -> CaseState:
    return CaseState(
        case_id="c1", reference="LV-2026-000001", country_of_origin="GE",
        legal_situation=LegalSituation.IRREGULAR_STAY,
        location_type=LocationType.RECEPTION_CENTRE, **fields,  # type: ignore[arg-type]
    )


def kinds(s: CaseState) -> list[TaskKind]:
    return [t.kind for t in tasks.open_tasks(s, NOW)]


def test_each_stage_waits_for_the_decision_it_needs() -> None:
    assert kinds(state()) == [TaskKind.COMPLETE_INTAKE]
    assert kinds(state(stage=Stage.ELIGIBILITY)) == [TaskKind.ASSESS_ELIGIBILITY]
    submitted = Eligibility(assessed_by="cw", eligible=True, notes="n", assessed_at=NOW)
    s = state(stage=Stage.ELIGIBILITY, eligibility=submitted)
    [approval] = tasks.open_tasks(s, NOW)
    assert (approval.kind, approval.role) == (TaskKind.APPROVE_ELIGIBILITY, Role.SUPERVISOR)
    sent_back = submitted.model_copy(update={"approved": False})
    assert kinds(state(stage=Stage.ELIGIBILITY, eligibility=sent_back)) == [
        TaskKind.ASSESS_ELIGIBILITY
    ]
    steps = [VulnerabilityStep(member_id="m1", kind=StepKind.FIT_TO_TRAVEL)]
    assert set(kinds(state(stage=Stage.VULNERABILITY, steps=steps))) == {
        TaskKind.VULNERABILITY_STEPS, TaskKind.ASSESS_TRAVEL_DOCUMENTS,
    }
    grant = Grant(lines=[], amount=Decimal(300), currency="EUR", proposed_by="cw")
    assert TaskKind.APPROVE_GRANT in kinds(state(stage=Stage.TRAVEL, grant=grant))
    failed = grant.model_copy(update={"status": GrantStatus.PAYMENT_FAILED})
    assert kinds(state(stage=Stage.DEPARTED, grant=failed)) == [TaskKind.RETRY_PAYMENT]
    proposal = ClosureProposal(reason=ClosureReason.WITHDRAWN, note="n", proposed_by="cw",
                               proposed_at=NOW, from_stage=Stage.CONSENT)
    s = state(stage=Stage.CONSENT, closure_proposal=proposal)
    assert {(t.kind, t.role) for t in tasks.open_tasks(s, NOW)} == {
        (TaskKind.RECORD_CONSENT, Role.CASEWORKER), (TaskKind.APPROVE_CLOSURE, Role.SUPERVISOR),
    }
    closed = state(stage=Stage.CLOSED, status="closed")
    assert kinds(closed) == []


def test_a_task_keeps_its_opening_time_and_is_due_after_its_sla() -> None:
    s = state(stage=Stage.ELIGIBILITY)
    tasks.track(s, NOW)
    later = NOW + timedelta(hours=5)
    tasks.track(s, later)  # still open: the opening time stays
    [task] = tasks.open_tasks(s, later)
    assert task.since == NOW
    sla = s.policy.task_sla_hours[TaskKind.ASSESS_ELIGIBILITY]
    assert task.due_at == NOW + timedelta(hours=sla)
    s.stage = Stage.CONSENT
    tasks.track(s, later)
    assert list(s.task_since) == [TaskKind.RECORD_CONSENT]
    assert s.task_since[TaskKind.RECORD_CONSENT] == later
    assert tasks.waiting_on(tasks.open_tasks(s, later)) == "caseworker"


def test_the_embassy_answer_is_due_at_the_chasing_deadline() -> None:
    s = state(stage=Stage.TRAVEL_DOCUMENTS)
    s.documents.status = DocumentStatus.REQUESTED
    s.documents.request_ref = "ETD-1"
    s.documents.requested_at = NOW
    s.documents.deadline_at = NOW + timedelta(days=60)
    [task] = tasks.open_tasks(s, NOW)
    assert (task.kind, task.role, task.due_at) == (
        TaskKind.EMBASSY_ANSWER, Role.EMBASSY_LIAISON, NOW + timedelta(days=60)
    )
    [deadline] = deadlines.case_deadlines(s)
    assert deadline.kind == DeadlineKind.EMBASSY_ANSWER
    assert deadline.at_risk_from == NOW + timedelta(days=7)  # the first chase
    assert not deadlines.at_risk(deadline, NOW)
    assert deadlines.at_risk(deadline, NOW + timedelta(days=8))
    assert deadlines.missed(deadline, NOW + timedelta(days=60))


def test_voluntary_departure_deadline_turns_at_risk_then_missed() -> None:
    s = state(stage=Stage.CONSENT, voluntary_departure_deadline=date(2026, 3, 20))
    [d] = deadlines.case_deadlines(s)
    assert d.kind == DeadlineKind.VOLUNTARY_DEPARTURE
    assert not deadlines.at_risk(d, NOW)
    assert deadlines.at_risk(d, datetime(2026, 3, 14, tzinfo=UTC))
    assert deadlines.missed(d, datetime(2026, 3, 21, tzinfo=UTC))
    # A departure planned after the deadline puts it at risk at once.
    s.documents.planned_departure = date(2026, 3, 25)
    s.updated_at = NOW
    [d] = deadlines.case_deadlines(s)
    assert deadlines.at_risk(d, NOW)


def test_fit_to_travel_expiring_before_departure_and_lead_time_rules() -> None:
    step = VulnerabilityStep(member_id="m1", kind=StepKind.FIT_TO_TRAVEL, done=True,
                             valid_until=date(2026, 3, 10))
    booking = Booking(booking_ref="B1", departure_date=date(2026, 3, 12), flight="BT1",
                      escort=False, transit_assistance=False, requested_on=date(2026, 3, 2),
                      status=BookingStatus.BOOKED)
    s = state(stage=Stage.TRAVEL, steps=[step], bookings=[booking])
    found = {d.kind: d for d in deadlines.case_deadlines(s)}
    assert deadlines.at_risk(found[DeadlineKind.FIT_TO_TRAVEL], NOW)  # expires before the flight
    # 10 days ahead: below the 19-day registration rule, missed as soon as it was booked.
    assert deadlines.missed(found[DeadlineKind.LEAD_TIME], NOW)
    s.status = "suspended"  # type: ignore[assignment]
    assert deadlines.case_deadlines(s) == []


def test_after_departure_the_partner_confirms_arrival_and_reports_visits() -> None:
    s = state(stage=Stage.ARRIVAL, departed_on=date(2026, 3, 1))
    s.arrival.expected_by = datetime(2026, 3, 3, tzinfo=UTC)
    s.arrival.escalate_at = datetime(2026, 3, 6, tzinfo=UTC)
    [task] = tasks.open_tasks(s, NOW)
    assert (task.kind, task.role) == (TaskKind.CONFIRM_ARRIVAL, Role.PARTNER)
    [d] = deadlines.case_deadlines(s)
    assert d.kind == DeadlineKind.ARRIVAL_CONFIRMATION
    assert not deadlines.at_risk(d, NOW)
    assert deadlines.at_risk(d, datetime(2026, 3, 4, tzinfo=UTC))
    assert deadlines.missed(d, datetime(2026, 3, 6, tzinfo=UTC))

    s = state(stage=Stage.MONITORING, departed_on=date(2026, 3, 1))
    s.monitoring.visits = [MonitoringVisit(number=1, due_on=date(2026, 6, 1)),
                           MonitoringVisit(number=2, due_on=date(2026, 9, 1))]
    assert [t.kind for t in tasks.open_tasks(s, NOW)] == [TaskKind.REPORT_MONITORING_VISIT]
    first, _ = deadlines.case_deadlines(s)
    grace = s.policy.aftercare.visit_grace_days
    assert deadlines.missed(first, datetime(2026, 6, 1 + grace, tzinfo=UTC))
    s.monitoring.visits[0].reported_on = date(2026, 6, 2)
    assert [d.detail for d in deadlines.case_deadlines(s)] == [
        "monitoring visit 2 due 2026-09-01 not reported"]


def test_what_a_case_awaits_is_said_by_its_open_tasks_then_by_what_no_queue_holds() -> None:
    submitted = Eligibility(assessed_by="cw", eligible=True, notes="n", assessed_at=NOW)
    s = state(stage=Stage.ELIGIBILITY, eligibility=submitted)
    assert tasks.awaiting(s) == "supervisor approval of the eligibility assessment"
    grant = Grant(lines=[], amount=Decimal(300), currency="EUR", proposed_by="cw")
    assert tasks.awaiting(state(stage=Stage.TRAVEL, grant=grant)) == (
        "the travel booking; supervisor approval of the cash grant"
    )
    # Departed without the partner consent: a closure proposal, which no task asks for yet.
    failed = grant.model_copy(update={"status": GrantStatus.PAYMENT_FAILED})
    assert tasks.awaiting(state(stage=Stage.DEPARTED, grant=failed)) == (
        "decision on the declined grant payment: retry it; a closure proposal: no consent to "
        "share data with a reintegration partner"
    )
    assert tasks.awaiting(state(stage=Stage.DEPARTED, handover_refused="no partner for GE")) == (
        "a reintegration partner: no partner for GE; add one, then hand over again; a closure "
        "proposal: no consent to share data with a reintegration partner"
    )
    assert tasks.awaiting(state(stage=Stage.REINTEGRATION)) == "a reintegration plan proposal"
    assert tasks.awaiting(state(stage=Stage.CLOSED, status="closed")) is None
    # However many tasks are open, the sentence fits the projection's column.
    long = state(stage=Stage.DEPARTED, grant=failed, handover_refused="no partner " * 40)
    said = tasks.awaiting(long)
    assert said is not None and len(said) == tasks.AWAITING_MAX and said.endswith("…")
