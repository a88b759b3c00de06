"""Travel and the cash grant: booking, departure, no-show, the grant (four eyes, paid once)
and the withdrawal kept for old histories.

Module functions given the running case, called by ``ReturnCaseWorkflow``'s updates once
their validators (the declarations in ``workflows/phases``) have let the decision through.
"""

from __future__ import annotations

from decimal import Decimal

from temporalio import workflow

from models import decisions as inputs
from models.enums import BookingStatus, CaseStatus, CostCategory, GrantStatus, NoShowChoice, Stage
from models.payloads import CaseState, Grant
from models.policy import grant_lines
from workflows import effects, patches
from workflows.budget import require_budget
from workflows.run import CaseRun


async def request_booking(case: CaseRun, data: inputs.RequestBookingInput) -> CaseState:
    case.decided(data.actor, f"booking requested for {data.departure_date}")
    await effects.book(case, data.departure_date, data.escort, data.transit_assistance)
    case.state.status = CaseStatus.ACTIVE
    case.touch()
    return case.state


async def confirm_departure(case: CaseRun, data: inputs.ConfirmDepartureInput) -> CaseState:
    state = case.state
    case.decided(data.actor, f"departure confirmed on {data.departed_on}")
    booking = state.active_booking
    assert booking is not None
    booking.status = BookingStatus.FLOWN
    state.departed_on = data.departed_on
    state.departure_confirmed_by = data.actor.id
    await effects.pay_grant(case)
    case.change_stage(Stage.DEPARTED)
    if workflow.patched(patches.AFTERCARE):
        _after_departure(case)
    else:
        case.done = not _grant_declined(state)
    return state


def _after_departure(case: CaseRun) -> None:
    """With the partner consent the run loop hands the case over next; without it the
    case waits for a caseworker to propose its closure."""
    state = case.state
    if state.consent is not None and state.consent.share_with_partner:
        state.handover_due = True


def _grant_declined(state: CaseState) -> bool:
    return state.grant is not None and state.grant.status == GrantStatus.PAYMENT_FAILED


async def decide_no_show(case: CaseRun, data: inputs.NoShowDecisionInput) -> CaseState:
    case.decided(data.actor, f"no-show: {data.choice}")
    old = case.state.active_booking
    assert old is not None
    if data.choice == NoShowChoice.REBOOK:
        assert data.new_departure_date is not None
        await effects.book(case, data.new_departure_date, old.escort, old.transit_assistance)
    else:
        case.state.status = CaseStatus.SUSPENDED
    # The new booking is made first, so a refused rebooking keeps the case as it was.
    await effects.cancel_booking(case, old)
    case.touch()
    return case.state


def propose_grant(case: CaseRun, data: inputs.ProposeGrantInput) -> CaseState:
    policy = case.state.policy.grant
    lines = grant_lines(
        policy, [(m.member_id, m.is_minor, m.vulnerabilities) for m in case.state.household]
    )
    grant = Grant(
        lines=lines,
        amount=sum((line.total for line in lines), Decimal(0)),
        currency=policy.currency,
        proposed_by=data.actor.id,
    )
    case.state.grant = grant
    case.decided(data.actor, f"cash grant proposed: {grant.amount} {policy.currency}")
    case.touch()
    return case.state


async def approve_grant_within_budget(case: CaseRun, data: inputs.GrantDecisionInput) -> CaseState:
    """Refused with the project's figures when the grant would exceed its budget."""
    grant = case.state.grant
    assert grant is not None
    await require_budget(case.state.case_id, CostCategory.CASH_GRANT, grant.amount)
    decide_grant(case, data)
    # Approved after departure (the rule in checks.GRANT_STAGES): paid now, as departure
    # would have paid it; before departure it waits for the departure as always.
    if case.state.departed_on is not None and workflow.patched(patches.GRANT_AFTER_DEPARTURE):
        await effects.pay_grant(case)
        case.touch()
    return case.state


def decide_grant(case: CaseRun, data: inputs.GrantDecisionInput) -> CaseState:
    grant = case.state.grant
    assert grant is not None
    grant.decided_by, grant.reason = data.actor.id, data.reason
    verdict = "approved" if data.approve else "rejected"
    case.decided(data.actor, f"cash grant {verdict}", data.reason)
    if data.approve:
        grant.status = GrantStatus.APPROVED
        # The business half of the payment's idempotency key; stable across retries.
        grant.payment_id = str(workflow.uuid4())
    else:
        grant.status = GrantStatus.REJECTED
    case.touch()
    return case.state


async def retry_grant_payment(case: CaseRun, data: inputs.RetryPaymentInput) -> CaseState:
    case.decided(data.actor, "grant payment retried")
    grant = case.state.grant
    assert grant is not None
    # A new payment: a declined one may be cached under its key by the provider.
    grant.status, grant.payment_id = GrantStatus.APPROVED, str(workflow.uuid4())
    await effects.pay_grant(case)
    case.touch()
    if not workflow.patched(patches.AFTERCARE):
        case.done = not _grant_declined(case.state)
    return case.state


async def withdraw(case: CaseRun, data: inputs.WithdrawInput) -> CaseState:
    case.decided(data.actor, f"case closed: {data.reason}", data.note)
    await effects.close_with_compensation(case, data.reason, data.note)
    return case.state
