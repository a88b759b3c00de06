"""The cash grant: proposed by the policy's figures, approved by a second person, paid once."""

from __future__ import annotations

from models import decisions as inputs
from models.enums import TaskKind
from workflows import checks
from workflows.decision import Decision, Form
from workflows.phases.common import STAFF, approval

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

DECISIONS = (PROPOSE_GRANT, DECIDE_GRANT, RETRY_PAYMENT)
