"""The cash grant: proposed by the policy's figures, approved by a second person, paid once:
by the provider (simulator), handed over in cash against a signed receipt, or transferred by
the bank from a pain.001 file and confirmed by its statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel
from pydantic import Field as Size

from models import decisions as inputs
from models.enums import GrantStatus, Role, TaskKind
from models.payloads import Actor, CaseState
from models.schemas import DecisionIn, Text
from workflows import checks, rules
from workflows.decision import Decision, Field, Form
from workflows.phases.common import STAFF, approval, today_text
from workflows.refusals import refusal

Short = Annotated[str, Size(min_length=1, max_length=200)]
Money = Annotated[Decimal, Size(gt=0, max_digits=14, decimal_places=2)]
Currency = Annotated[str, Size(min_length=3, max_length=3)]


class CashHandoverIn(DecisionIn):
    """Who handed the cash over, where and when, and the signed receipt: a document of the
    case (kind payment_receipt) uploaded first through ``POST /cases/{id}/documents``."""

    handed_over_by: Short
    place: Short
    handed_over_on: date
    amount: Money
    currency: Currency
    receipt_document_id: Annotated[str, Size(min_length=1, max_length=36)]


class RecordCashHandoverInput(CashHandoverIn):
    actor: Actor
    # The payment the receipt document is linked to, filled in by the API from the database.
    receipt_payment_id: str | None = None


class TransferOutcomeIn(DecisionIn):
    """What the bank's statement says of one transfer: paid, or returned with its reason."""

    payment_id: Annotated[str, Size(min_length=1, max_length=36)]
    paid: bool
    booked_on: date
    bank_reference: Short
    reason: Text | None = None


class TransferOutcomeInput(TransferOutcomeIn):
    actor: Actor


def _pending(s: CaseState, method: str, action: str) -> None:
    grant = s.grant
    if grant is None or grant.status != GrantStatus.PAYMENT_PENDING:
        raise refusal("no_grant_payment_pending", action=action)
    if grant.payment_method != method:
        raise refusal("grant_paid_otherwise", action=action, method=grant.payment_method)


def cash_handover(s: CaseState, data: RecordCashHandoverInput, today: date) -> None:
    _pending(s, "cash", "record a cash hand-over")
    grant = s.grant
    assert grant is not None
    rules.require_not_future(data.handed_over_on, today, "handed_over_on")
    if data.receipt_payment_id is not None and data.receipt_payment_id != grant.payment_id:
        raise refusal("receipt_other_payment", receipt_payment=data.receipt_payment_id,
                      payment=grant.payment_id)
    if data.amount != grant.amount or data.currency.upper() != grant.currency.upper():
        raise refusal("handover_amount_differs", amount=data.amount, currency=data.currency,
                      grant_amount=grant.amount, grant_currency=grant.currency)


def transfer_outcome(s: CaseState, data: TransferOutcomeInput, today: date) -> None:
    _pending(s, "bank_transfer", "record a transfer's outcome")
    grant = s.grant
    assert grant is not None
    if data.payment_id != grant.payment_id:
        # An earlier payment of this grant (returned, then retried): its outcome is known.
        raise refusal("payment_not_pending", payment=data.payment_id)
    if not data.paid and not data.reason:
        raise refusal("returned_transfer_needs_reason")


def _cash_probe(s: CaseState, actor: Actor, today: date, offer: object) -> BaseModel:
    grant = s.grant
    return RecordCashHandoverInput(
        actor=actor, handed_over_by="-", place="-", handed_over_on=today,
        amount=grant.amount if grant else Decimal(1), currency=grant.currency if grant else "EUR",
        receipt_document_id="-",
    )


PROPOSE_GRANT = Decision(
    update="propose_grant", path="/cases/{case_id}/grant/proposal", roles=STAFF,
    action="propose a cash grant", input=inputs.ProposeGrantInput, check=checks.propose_grant,
    doc="Propose the cash grant the project's policy gives this household.",
    form=Form("grant-proposal", "Propose the cash grant", button="Propose"),
)

DECIDE_GRANT = approval(
    "decide_grant", "/cases/{case_id}/grant/decision", "decide on the cash grant",
    inputs.GrantDecisionInput, checks.decide_grant,
    "Approve or reject the proposed grant (supervisor, not the proposer).",
    ("grant-decision", "Decide on the cash grant"), answers=(TaskKind.APPROVE_GRANT,),
)

RETRY_PAYMENT = Decision(
    update="retry_grant_payment", path="/cases/{case_id}/grant/payment-retry", roles=STAFF,
    action="retry the grant payment", input=inputs.RetryPaymentInput, check=checks.retry_payment,
    doc="Pay a declined grant again, as a new payment, after the cause was sorted out.",
    answers=(TaskKind.RETRY_PAYMENT,),
    form=Form("payment-retry", "Retry the grant payment", button="Retry payment"),
)

RECORD_CASH_HANDOVER = Decision(
    update="record_cash_handover", path="/cases/{case_id}/grant/cash-handover", roles=STAFF,
    action="record the cash hand-over", input=RecordCashHandoverInput, check=cash_handover,
    body=CashHandoverIn,
    doc="The grant was handed over in cash against the signed receipt (upload it first as a "
        "payment_receipt document with the grant's payment_id): the grant is paid.",
    answers=(TaskKind.RECORD_CASH_HANDOVER,),
    form=Form(
        "cash-handover", "Record the cash hand-over", _cash_probe,
        fields=(
            Field("handed_over_by", "Handed over by"),
            Field("place", "Where (airport, office, on arrival)"),
            Field("handed_over_on", "On", "date", default=today_text),
            Field("amount", "Amount", default=lambda s, t: str(s.grant.amount if s.grant else "")),
            Field("currency", "Currency",
                  default=lambda s, t: s.grant.currency if s.grant else "EUR"),
            # A choice among the case's receipts of the grant's payment, or the signed file
            # uploaded with the form (the page supplies both: api/web/receipts.py).
            Field("receipt_document_id", "Signed receipt", "receipt"),
        ),
        button="Record hand-over",
    ),
)

# Taken by the reconciliation of a bank statement (api/payments/reconcile.py) as the finance
# user who uploaded it; no form: the statement is the evidence.
RECORD_TRANSFER_OUTCOME = Decision(
    update="record_transfer_outcome", path="/cases/{case_id}/grant/transfer-outcome",
    roles=frozenset({Role.FINANCE}), action="record a bank transfer's outcome",
    input=TransferOutcomeInput, check=transfer_outcome, body=TransferOutcomeIn,
    doc="What the bank's statement says of the grant's transfer: paid, or returned with the "
        "bank's reason (the payment then waits for a retry).",
)

DECISIONS = (PROPOSE_GRANT, DECIDE_GRANT, RETRY_PAYMENT, RECORD_CASH_HANDOVER,
             RECORD_TRANSFER_OUTCOME)
