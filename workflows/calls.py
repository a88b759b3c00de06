"""The workflow's calls to external systems: one function per activity, each with its timeout
and a retry policy naming the domain refusals that are never retried.

Only call these from workflow code (they use ``workflow.execute_activity_method``).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from activities.authorities import AuthorityActivities
from activities.booking import BookingActivities
from activities.costs import CostActivities
from activities.embassy import EmbassyActivities
from activities.notifications import NotificationActivities
from activities.partner_activities import PartnerActivities
from activities.payments import PaymentActivities
from models.desk import DeskCostInput
from models.external import (
    BOOKING_REFUSED,
    EMBASSY_REFUSED,
    NO_PARTNER,
    PAYMENT_DECLINED,
    PRICE_CURRENCY_REFUSED,
    AuthorityNotice,
    AuthorityNoticeResult,
    BookingRequest,
    BookingResult,
    CancelBooking,
    CancelBookingResult,
    ChaseDocumentRequest,
    DocumentFeeInput,
    DocumentRequest,
    DocumentRequestResult,
    HandoverRequest,
    HandoverResult,
    PartnerChoiceCheck,
    PartnerChoiceVerdict,
    PaymentRequest,
    PaymentResult,
    PreArrivalRequest,
    PreArrivalResult,
    ProposalRequest,
    ProposalResult,
    Reminder,
    ReminderResult,
    WithdrawalRequest,
    WithdrawalResult,
    WithdrawDocumentRequest,
)
from models.funding import BookCostsInput, BookCostsResult, CostLine

T = TypeVar("T")

# One attempt at an external call: the real clients give up after 30 s (HTTP, SMTP) and the
# simulators' latency is capped below that, so 45 s is never hit by a call that is merely slow;
# it is how long the server waits before retrying the call elsewhere when the worker running
# it died (2 minutes before: the fault suite's kills waited that long).
TIMEOUT = timedelta(seconds=45)



def retry(*domain_errors: str) -> RetryPolicy:
    """Technical failures: retried with backoff without limit; domain refusals: never."""
    return RetryPolicy(
        initial_interval=timedelta(seconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(minutes=10),
        non_retryable_error_types=list(domain_errors),
    )


async def unless_refused(call: Awaitable[T], error_type: str) -> tuple[T | None, str | None]:
    """The call's result, or the reason of the named domain refusal (anything else raises)."""
    try:
        return await call, None
    except ActivityError as err:
        reason = refusal_of(err, error_type)
        if reason is None:
            raise
        return None, reason


async def or_refuse(call: Awaitable[T], error_type: str) -> T:
    """The call's result; the named domain refusal refuses the decision (a 409) with the
    activity's message, and its code and parameters when it carries them
    (workflows/refusals.py: the web page shows it translated)."""
    try:
        return await call
    except ActivityError as err:
        cause = err.cause
        if not (isinstance(cause, ApplicationError) and cause.type == error_type):
            raise
        raise ApplicationError(
            cause.message, *cause.details, type="DecisionRefused", non_retryable=True
        ) from None


def refusal_of(err: ActivityError, error_type: str) -> str | None:
    """The refusal message when ``err`` is the given domain refusal, else None."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type == error_type:
        return cause.message
    return None


async def _run(method: Any, arg: Any, *domain_errors: str) -> Any:
    return await workflow.execute_activity_method(
        method, arg, start_to_close_timeout=TIMEOUT, retry_policy=retry(*domain_errors)
    )


async def request_document(data: DocumentRequest) -> DocumentRequestResult:
    return await _run(EmbassyActivities.request_travel_document, data, EMBASSY_REFUSED)  # type: ignore[no-any-return]


async def withdraw_document_request(data: WithdrawDocumentRequest) -> None:
    await _run(EmbassyActivities.withdraw_travel_document_request, data)


async def chase_document_request(data: ChaseDocumentRequest) -> None:
    await _run(EmbassyActivities.chase_travel_document_request, data)


async def book_document_fee(data: DocumentFeeInput) -> None:
    await _run(EmbassyActivities.book_document_fee, data, PRICE_CURRENCY_REFUSED)


async def notify_authority(data: AuthorityNotice) -> AuthorityNoticeResult:
    return await _run(AuthorityActivities.notify_authority, data)  # type: ignore[no-any-return]


async def book(data: BookingRequest) -> BookingResult:
    return await _run(BookingActivities.book_travel, data, BOOKING_REFUSED)  # type: ignore[no-any-return]


async def cancel_booking(data: CancelBooking) -> CancelBookingResult:
    return await _run(BookingActivities.cancel_booking, data)  # type: ignore[no-any-return]


async def book_desk_price(data: DeskCostInput) -> None:
    await _run(BookingActivities.book_desk_price, data, PRICE_CURRENCY_REFUSED)


async def pay(data: PaymentRequest) -> PaymentResult:
    return await _run(PaymentActivities.pay_grant, data, PAYMENT_DECLINED)  # type: ignore[no-any-return]


async def remind(data: Reminder) -> ReminderResult:
    return await _run(NotificationActivities.send_reminder, data)  # type: ignore[no-any-return]


async def hand_over(data: HandoverRequest) -> HandoverResult:
    return await _run(PartnerActivities.hand_over, data, NO_PARTNER, "PartnerRejected")  # type: ignore[no-any-return]


async def send_pre_arrival(data: PreArrivalRequest) -> PreArrivalResult:
    return await _run(PartnerActivities.send_pre_arrival, data, NO_PARTNER, "PartnerRejected")  # type: ignore[no-any-return]


async def propose_to_partner(data: ProposalRequest) -> ProposalResult:
    return await _run(PartnerActivities.propose, data)  # type: ignore[no-any-return]


async def withdraw_from_partner(data: WithdrawalRequest) -> WithdrawalResult:
    return await _run(PartnerActivities.withdraw, data)  # type: ignore[no-any-return]


async def check_partner_choice(data: PartnerChoiceCheck) -> PartnerChoiceVerdict:
    return await _run(PartnerActivities.check_choice, data)  # type: ignore[no-any-return]


async def book_costs(*lines: CostLine) -> BookCostsResult:
    """Costs no external call causes (post-arrival help, delivered plan lines); each line's
    key makes a retried or repeated booking a no-op."""
    return await _run(CostActivities.book_costs, BookCostsInput(costs=list(lines)))  # type: ignore[no-any-return]
