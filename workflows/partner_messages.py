"""What the partner chosen before departure is sent (workflows/partner_choice.py decides
when): the proposal of the case to a partner that is another Homeward installation, and the
pre-arrival package with the travel, first and then on every change of it, and the
withdrawal of the proposal when it no longer stands. The requests carry ids, codes and the
travel's facts; the activities read names and contacts from the database."""

from __future__ import annotations

from temporalio import workflow

from models.departure import Booking
from models.enums import BookingStatus
from models.external import (
    NO_PARTNER,
    PartnerTravel,
    PreArrivalRequest,
    ProposalRequest,
    WithdrawalRequest,
)
from models.payloads import CaseState
from models.reintegration import PartnerChoice
from workflows import calls, patches
from workflows.run import CaseRun


def last_booking(state: CaseState) -> Booking | None:
    return state.bookings[-1] if state.bookings else None


def signature(b: Booking) -> str:
    return f"{b.booking_ref}|{b.departure_date}|{b.status}|{b.flight}|{b.changes}"


def travel_of(b: Booking) -> PartnerTravel:
    last = b.segments[-1] if b.segments else None
    return PartnerTravel(
        status=str(b.status),
        flight=b.flight,
        departure_date=b.departure_date,
        arrival_airport=str(last.to_airport) if last else None,
        arrival_time=str(last.arrives_at) if last else None,
        escort=b.escort,
        transit_assistance=b.transit_assistance,
    )


async def propose(case: CaseRun, p: PartnerChoice) -> None:
    """A partner that is another Homeward installation is sent the case (``case.proposed``,
    docs/exchange.md); its answer comes back as this workflow's ``answer_partner_proposal``.
    Any other partner: the activity sends nothing (the reminder told it)."""
    state = case.state
    request = ProposalRequest(
        case_id=state.case_id,
        partner_id=p.partner_id,
        key=f"{state.case_id}:proposed:{p.partner_id}:{p.chosen_at.isoformat()}",
    )
    result = await calls.propose_to_partner(request)
    if result.refusal is not None:
        case.call_outcome("case not proposed", partner=p.partner_id, reason=result.refusal)
    elif result.partner_ref is not None:
        case.call_outcome(
            f"case proposed to partner {p.partner_id} (another Homeward installation)",
            partner_ref=result.partner_ref,
        )


# Why an offered partner no longer gets the case (``case.withdrawn``'s reason code), as the
# timeline says it.
WITHDRAWN_BECAUSE = {
    "another_partner": "another partner chosen",
    "case_closed": "case closed before departure",
}


async def withdraw(case: CaseRun, p: PartnerChoice, reason: str) -> None:
    """The partner offered the case, its proposal still open (not declined), no longer gets
    it: another partner was chosen, or the case closes before departure. A partner that is
    another Homeward installation and was sent the proposal is told (``case.withdrawn``,
    docs/exchange.md), which closes its proposed case; any other partner: the activity
    sends nothing. A new activity, so behind ``patches.PARTNER_EXCHANGE_WITHDRAWAL``."""
    if p.offered_at is None or not p.open:
        return
    if not workflow.patched(patches.PARTNER_EXCHANGE_WITHDRAWAL):
        return
    state = case.state
    result = await calls.withdraw_from_partner(WithdrawalRequest(
        case_id=state.case_id,
        partner_id=p.partner_id,
        reason=reason,
        key=f"{state.case_id}:withdrawn:{p.partner_id}:{p.chosen_at.isoformat()}",
    ))
    if result.partner_ref is not None:
        case.call_outcome(
            f"case withdrawn from partner {p.partner_id} ({WITHDRAWN_BECAUSE[reason]})",
            partner_ref=result.partner_ref,
        )


def _reason(p: PartnerChoice, b: Booking) -> str:
    if not p.package_for:
        return "first"
    if b.status in (BookingStatus.NO_SHOW, BookingStatus.CANCELLED):
        return str(b.status)
    return "rebooked" if p.package_for.split("|")[0] != b.booking_ref else "changed"


async def send_package(case: CaseRun, p: PartnerChoice, *, cancelled: bool = False) -> None:
    state = case.state
    b = last_booking(state)
    assert b is not None
    reason = "cancelled" if cancelled else _reason(p, b)
    travel = travel_of(b)
    if cancelled:
        travel.status = "cancelled"
    p.package_for, p.packages_sent = signature(b), p.packages_sent + 1
    request = PreArrivalRequest(
        case_id=state.case_id,
        partner_id=p.partner_id,
        key=f"{state.case_id}:pre-arrival:{p.packages_sent}",
        reason=reason,
        travel=travel,
    )
    result, refusal = await calls.unless_refused(calls.send_pre_arrival(request), NO_PARTNER)
    if result is None:
        case.call_outcome("pre-arrival package not sent", partner=p.partner_id, reason=refusal)
    else:
        case.call_outcome(
            f"pre-arrival package sent to partner {p.partner_id} ({reason})",
            partner_ref=result.partner_ref,
        )
    case.touch()
