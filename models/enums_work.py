"""Vocabulary of the work on cases: the decisions a case waits for (tasks), the deadlines it
can miss, and why it shows in the supervisors' stuck list."""

from __future__ import annotations

from enum import StrEnum


class TaskKind(StrEnum):
    """A decision a case's workflow waits for; one rule each in workflows/tasks.py."""

    COMPLETE_INTAKE = "complete_intake"
    ASSESS_ELIGIBILITY = "assess_eligibility"
    APPROVE_ELIGIBILITY = "approve_eligibility"
    RECORD_CONSENT = "record_consent"
    VULNERABILITY_STEPS = "vulnerability_steps"
    ASSESS_TRAVEL_DOCUMENTS = "assess_travel_documents"
    EMBASSY_ANSWER = "embassy_answer"
    DOCUMENT_DECISION = "document_decision"
    CLEARANCE = "clearance"
    BOOK_TRAVEL = "book_travel"
    DESK_BOOKING = "desk_booking"  # a booking request the travel desk has to book
    CONFIRM_DEPARTURE = "confirm_departure"
    NO_SHOW_DECISION = "no_show_decision"
    APPROVE_GRANT = "approve_grant"
    RETRY_PAYMENT = "retry_payment"
    RECORD_CASH_HANDOVER = "record_cash_handover"
    APPROVE_CLOSURE = "approve_closure"
    CONFIRM_ARRIVAL = "confirm_arrival"
    APPROVE_PLAN = "approve_plan"
    REPORT_MONITORING_VISIT = "report_monitoring_visit"
    MINOR_HANDOVER = "minor_handover"  # an unaccompanied minor's handover at arrival
    MINOR_FOLLOW_UP = "minor_follow_up"  # family tracing, best-interests follow-up


class MinorFollowUpKind(StrEnum):
    """What is scheduled after an unaccompanied minor's return."""

    FAMILY_TRACING = "family_tracing"
    BEST_INTERESTS = "best_interests"  # a best-interests follow-up visit


class DeadlineKind(StrEnum):
    """A business deadline a case can miss; one rule each in workflows/deadlines.py."""

    VOLUNTARY_DEPARTURE = "voluntary_departure"
    FIT_TO_TRAVEL = "fit_to_travel"
    LEAD_TIME = "lead_time"
    EMBASSY_ANSWER = "embassy_answer"
    ARRIVAL_CONFIRMATION = "arrival_confirmation"
    MONITORING_VISIT = "monitoring_visit"
    PARTNER_ANSWER = "partner_answer"  # the chosen partner has not accepted or declined
    PARTNER_DECLINED = "partner_declined"  # another partner must be chosen


class StuckReason(StrEnum):
    """Why a case shows in the supervisors' stuck list."""

    TASK_OVERDUE = "task_overdue"  # a human decision waits past its SLA
    ACTIVITY_RETRYING = "activity_retrying"  # an external system keeps failing
    DEADLINE_MISSED = "deadline_missed"
    DEADLINE_AT_RISK = "deadline_at_risk"
    WORKFLOW_FAILING = "workflow_failing"  # workflow-task failures (a bug or a bad deploy)
    REFERRAL_WITHOUT_OUTCOME = "referral_without_outcome"  # a referral's outcome is overdue


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
