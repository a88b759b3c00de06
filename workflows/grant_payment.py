"""The grant's payment outside Homeward: the cash hand-over staff record, and the outcome of a
bank transfer the bank's statement shows. Each books the grant's cost from what was recorded.

Module functions given the running case, called by ``ReturnCaseWorkflow``'s updates once
their validators (``workflows/phases/grant.py``) have let the decision through.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.departure import CashHandover
from models.enums import CostCategory, GrantStatus
from models.funding import CostLine
from models.payloads import CaseState
from workflows import calls
from workflows.phases.grant import RecordCashHandoverInput, TransferOutcomeInput
from workflows.run import CaseRun


async def _book_grant(case: CaseRun, amount: Decimal, on: date, what: str) -> None:
    """The same key as the provider's payment (case id + payment id): booked once."""
    grant = case.state.grant
    assert grant is not None
    await calls.book_costs(CostLine(
        key=f"{case.state.case_id}:{grant.payment_id}:cash_grant", case_id=case.state.case_id,
        category=CostCategory.CASH_GRANT, amount=amount, incurred_on=on, description=what,
    ))


async def record_cash_handover(case: CaseRun, data: RecordCashHandoverInput) -> CaseState:
    grant = case.state.grant
    assert grant is not None
    await _book_grant(case, data.amount, data.handed_over_on,
                      f"cash grant handed over, receipt document {data.receipt_document_id}")
    grant.handover = CashHandover(
        recorded_by=data.actor.id, handed_over_by=data.handed_over_by, place=data.place,
        handed_over_on=data.handed_over_on, amount=data.amount, currency=data.currency.upper(),
        receipt_document_id=data.receipt_document_id,
    )
    grant.status, grant.receipt_ref = GrantStatus.PAID, f"receipt:{data.receipt_document_id}"
    case.decided(data.actor, f"cash grant handed over on {data.handed_over_on}: "
                             f"{data.amount} {data.currency.upper()}")
    case.touch()
    return case.state


async def record_transfer_outcome(case: CaseRun, data: TransferOutcomeInput) -> CaseState:
    grant = case.state.grant
    assert grant is not None
    if data.paid:
        await _book_grant(case, grant.amount, data.booked_on,
                          f"cash grant transferred, bank reference {data.bank_reference}")
        grant.status, grant.receipt_ref = GrantStatus.PAID, data.bank_reference
        case.decided(data.actor, f"grant transfer paid on {data.booked_on}")
    else:
        # The existing path of a declined payment: a caseworker sorts the cause out (a new
        # account) and retries, as a new payment with a new key.
        grant.status, grant.reason = GrantStatus.PAYMENT_FAILED, data.reason
        case.decided(data.actor, "grant transfer returned by the bank", data.reason)
    case.touch()
    return case.state
