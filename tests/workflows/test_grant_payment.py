"""The grant at departure (still pending, or missing) and the payment modes the office runs:
cash handed over against a receipt, and a bank transfer paid or returned by the bank."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.payments import SimulatedPayments
from activities.payments_office import BankTransferPayments, CashPayments
from core.settings import Settings
from models.costs import Cost
from models.decisions import GrantDecisionInput, ProposeGrantInput, RetryPaymentInput
from models.enums import CostCategory, GrantStatus, Role, Stage, TaskKind
from models.payloads import Actor, CaseState
from models.payments import PaymentInstruction
from tests.workflows.scenario import (
    CASEWORKER,
    SUPERVISOR,
    approve_grant,
    book,
    clients,
    depart,
    person,
    start_case,
    through_clearance,
    through_consent,
    today,
)
from worker import build_worker
from workflows.phases.grant import RecordCashHandoverInput, TransferOutcomeInput
from workflows.return_case import ReturnCaseWorkflow

FINANCE = Actor(id="fin-olga", role=Role.FINANCE)
Handle = WorkflowHandle[ReturnCaseWorkflow, CaseState]


async def to_departure(env: WorkflowEnvironment, settings: Settings, engine: Engine,
                        grant: str) -> tuple[Handle, CaseState]:
    """A single adult to departure with the grant 'approved', 'proposed' or 'missing'."""
    day = await today(env)
    handle = await start_case(env, settings, engine,
                              [person("m1", passport_until=day + timedelta(days=900))])
    await through_consent(env, handle)
    if grant == "approved":
        await approve_grant(handle)
    elif grant == "proposed":
        await handle.execute_update(ReturnCaseWorkflow.propose_grant,
                                    ProposeGrantInput(actor=CASEWORKER))
    await through_clearance(env, handle)
    await book(handle, day + timedelta(days=25))
    return handle, await depart(env, handle)


def _grant_costs(engine: Engine, case_id: str) -> list[Decimal]:
    with Session(engine) as session:
        return [c.amount for c in session.exec(select(Cost).where(
            col(Cost.case_id) == case_id, col(Cost.category) == CostCategory.CASH_GRANT))]


async def test_a_grant_pending_at_departure_is_approved_after_it_and_paid_once(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle, state = await to_departure(time_env, settings, engine, "proposed")
        # Departure does not wait for the grant, and the grant is not stranded by it.
        assert state.stage == Stage.DEPARTED and state.grant is not None
        assert state.grant.status == GrantStatus.PROPOSED
        assert TaskKind.APPROVE_GRANT in state.task_since
        state = await handle.execute_update(ReturnCaseWorkflow.decide_grant, GrantDecisionInput(
            actor=SUPERVISOR, approve=True, reason="decided at the airport"))
        assert state.grant is not None and state.grant.status == GrantStatus.PAID
        assert TaskKind.APPROVE_GRANT not in state.task_since
    payments: SimulatedPayments = sims.payments  # type: ignore[assignment]
    assert [e.idempotency_key for e in payments.ledger] == [
        f"{state.case_id}:{state.grant.payment_id}"]


async def test_a_grant_missing_at_departure_is_proposed_approved_and_paid_after_it(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle, state = await to_departure(time_env, settings, engine, "missing")
        assert state.stage == Stage.DEPARTED and state.grant is None
        state = await approve_grant(handle)
        assert state.grant is not None and state.grant.status == GrantStatus.PAID
    payments: SimulatedPayments = sims.payments  # type: ignore[assignment]
    assert len(payments.ledger) == 1
    assert _grant_costs(engine, state.case_id) == [state.grant.amount]


def _handover(amount: Decimal, day: object) -> RecordCashHandoverInput:
    return RecordCashHandoverInput(
        actor=CASEWORKER, handed_over_by="Anna Caseworker", place="Riga airport, gate 12",
        handed_over_on=day, amount=amount, currency="EUR",  # type: ignore[arg-type]
        receipt_document_id="doc-receipt-1",
    )


async def test_cash_is_handed_over_against_the_receipt_and_booked_as_recorded(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    sims.payments = CashPayments()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle, state = await to_departure(time_env, settings, engine, "approved")
        grant = state.grant
        assert grant is not None and grant.status == GrantStatus.PAYMENT_PENDING
        assert grant.payment_method == "cash"
        assert (state.awaiting or "").startswith("the cash grant's hand-over against a signed")
        assert _grant_costs(engine, state.case_id) == []  # nothing was handed over yet
        day = await today(time_env)
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(ReturnCaseWorkflow.record_cash_handover,
                                        _handover(grant.amount - 1, day))
        assert "must be the approved grant (300.00 EUR)" in str(err.value.cause)
        state = await handle.execute_update(ReturnCaseWorkflow.record_cash_handover,
                                            _handover(grant.amount, day))
        assert state.grant is not None and state.grant.status == GrantStatus.PAID
        assert state.grant.handover is not None
        assert state.grant.handover.place == "Riga airport, gate 12"
        assert state.grant.receipt_ref == "receipt:doc-receipt-1"
        with pytest.raises(WorkflowUpdateFailedError) as err:  # recorded once
            await handle.execute_update(ReturnCaseWorkflow.record_cash_handover,
                                        _handover(grant.amount, day))
        assert "no grant payment is pending" in str(err.value.cause)
    assert _grant_costs(engine, state.case_id) == [Decimal("300.00")]


def _outcome(payment_id: str | None, paid: bool, day: object) -> TransferOutcomeInput:
    return TransferOutcomeInput(
        actor=FINANCE, payment_id=payment_id or "", paid=paid, booked_on=day,  # type: ignore[arg-type]
        bank_reference="BANK-1", reason=None if paid else "AC04 closed account",
    )


async def test_a_transfer_returned_by_the_bank_is_retried_as_a_new_instruction_then_paid(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    sims.payments = BankTransferPayments(engine)
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle, state = await to_departure(time_env, settings, engine, "approved")
        grant = state.grant
        assert grant is not None and grant.status == GrantStatus.PAYMENT_PENDING
        first = grant.payment_id
        day = await today(time_env)
        state = await handle.execute_update(ReturnCaseWorkflow.record_transfer_outcome,
                                            _outcome(first, False, day))
        assert state.grant is not None and state.grant.status == GrantStatus.PAYMENT_FAILED
        assert state.grant.reason == "AC04 closed account"
        assert (state.awaiting or "").startswith("decision on the declined grant payment")
        state = await handle.execute_update(ReturnCaseWorkflow.retry_grant_payment,
                                            RetryPaymentInput(actor=CASEWORKER))
        assert state.grant is not None and state.grant.status == GrantStatus.PAYMENT_PENDING
        second = state.grant.payment_id
        with pytest.raises(WorkflowUpdateFailedError):  # the returned one's outcome is known
            await handle.execute_update(ReturnCaseWorkflow.record_transfer_outcome,
                                        _outcome(first, True, day))
        state = await handle.execute_update(ReturnCaseWorkflow.record_transfer_outcome,
                                            _outcome(second, True, day))
        assert state.grant is not None and state.grant.status == GrantStatus.PAID
    with Session(engine) as session:
        rows = session.exec(select(PaymentInstruction)).all()
    assert sorted(r.payment_id for r in rows) == sorted([first, second])
    assert {r.amount for r in rows} == {Decimal("300.00")}
    assert _grant_costs(engine, state.case_id) == [Decimal("300.00")]
