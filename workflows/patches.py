"""The case workflow's patches: each id, the recorded history that still takes its old path,
and when it may be retired.

A patch stays while a case started before it can still be open: its history replays the old
branch. Retire one by making the new path unconditional (``workflow.deprecate_patch`` first,
then nothing), deleting its history file and its entry here. Find such cases with
``temporal workflow list --query 'ExecutionStatus="Running" AND StartTime < "<date>"'``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Patch:
    id: str
    why: str
    history: str  # in tests/workflows/histories/: a case recorded before the patch
    retire_when: str


# Histories recorded before the phase after departure existed end at departure.
AFTERCARE = "aftercare"
# The budget is reserved before a grant (or plan) approval; older approvals did not ask.
BUDGET_CHECK = "budget-check"
# Search attributes (stage, waiting on, next due, ...) upserted on every projection.
CASE_SEARCH_ATTRIBUTES = "case-search-attributes"
# Timeline and projection written by one activity; search attributes upserted on change only.
ONE_PROJECTION_WRITE = "one-projection-write"
# A grant approved after departure is paid at once; before, approval after departure was
# refused, so no recorded case approved one then (the history's grant is approved before).
GRANT_AFTER_DEPARTURE = "grant-after-departure"

# The fee staff record with the embassy's answer is booked (book_document_fee activity);
# before, an answer carried no fee and only the simulator booked one, at the request.
EMBASSY_FEE = "embassy-fee"

# An unaccompanied minor's arrival schedules their handover record, family tracing and
# best-interests follow-ups (new timers and tasks); before, nothing followed the arrival.
MINOR_AFTERCARE = "minor-aftercare"

# The partner chosen before departure: offered the case, chased for its answer and sent the
# pre-arrival package by the run loop's timers (only cases with a chosen partner reach it).
PARTNER_BEFORE_DEPARTURE = "partner-before-departure"

# The partner offered the case is, when it is another Homeward installation, sent it
# (``case.proposed``, docs/exchange.md v2) by a new activity at the offer; before, nothing.
PARTNER_EXCHANGE_PROPOSAL = "partner-exchange-proposal"

# The partner offered the case is, when it is another Homeward installation that was sent the
# proposal, sent ``case.withdrawn`` (docs/exchange.md v2) by a new activity when another
# partner is chosen or the case closes before departure; before, nothing.
PARTNER_EXCHANGE_WITHDRAWAL = "partner-exchange-withdrawal"

# Chasing also reminds the embassy itself (by e-mail in the email mode); before, it reminded
# only the caseworker.
EMBASSY_REMINDER = "embassy-reminder"

REGISTER: tuple[Patch, ...] = (
    Patch(
        AFTERCARE,
        "the run continues after departure (handover, arrival, plan, monitoring, closure)",
        "single_adult_from_intake_to_departure_with_the_grant_paid_once.json",
        "once no case started before 2026-11-23 (commit 5b20930) is open",
    ),
    Patch(
        BUDGET_CHECK,
        "approving a grant reserves the project's budget first (reserve_budget activity)",
        "single_adult_from_intake_to_departure_with_the_grant_paid_once.json",
        "once no case started before 2026-11-23 (commit cdd79eb) is open",
    ),
    Patch(
        CASE_SEARCH_ATTRIBUTES,
        "each projection upserts the case's search attributes",
        "from_arrival_through_three_visits_to_closure_with_the_score.json",
        "once no case started before 2026-11-23 (commit 5691ecd) is open",
    ),
    Patch(
        ONE_PROJECTION_WRITE,
        "record_and_project writes timeline and projection at once; upserts only on change",
        "from_arrival_through_three_visits_to_closure_with_the_score.json",
        "once no case started before 2026-11-24 (commit 264990f) is open",
    ),
    Patch(
        GRANT_AFTER_DEPARTURE,
        "a grant approved after departure is paid at once (decided at the airport or on arrival)",
        "declined_grant_payment_waits_for_a_retry_after_departure.json",
        "once no case started before 2026-12-04 is open",
    ),
    Patch(
        EMBASSY_FEE,
        "the fee recorded with the embassy's answer is booked as the case's document fee",
        "embassy_refusal_then_second_request_issued_with_reminders.json",
        "once no case started before 2026-12-05 is open",
    ),
    Patch(
        MINOR_AFTERCARE,
        "an unaccompanied minor's arrival schedules the handover record and the follow-ups",
        "from_arrival_through_three_visits_to_closure_with_the_score.json",
        "once no case started before 2026-12-05 is open",
    ),
    Patch(
        PARTNER_BEFORE_DEPARTURE,
        "the chosen partner is offered the case, chased, and sent the pre-arrival package",
        "single_adult_from_intake_to_departure_with_the_grant_paid_once.json",
        "once no case started before 2026-12-05 is open",
    ),
    Patch(
        EMBASSY_REMINDER,
        "each chase of an unanswered request also reminds the embassy (e-mail mode: mailed)",
        "embassy_refusal_then_second_request_issued_with_reminders.json",
        "once no case started before 2026-12-06 is open",
    ),
    Patch(
        PARTNER_EXCHANGE_PROPOSAL,
        "the partner offered the case is sent it when it is another Homeward installation",
        "a_declining_partner_is_replaced_and_the_next_gets_the_pre_arrival_package.json",
        "once no case started before 2026-12-06 is open",
    ),
    Patch(
        PARTNER_EXCHANGE_WITHDRAWAL,
        "the partner offered the case is told when another is chosen or the case closes",
        "a_partner_that_never_answers_is_shown_stuck_and_the_supervisor_told.json",
        "once no case started before 2026-12-06 is open",
    ),
)
