"""Reconciling the bank's statement: each transfer it reports is marked paid or returned in the
database, then the case's workflow is told (the ``record_transfer_outcome`` decision).

Idempotent: an instruction's outcome is written once (only an exported one changes), and the
decision is sent for every transfer the statement reports; the workflow refuses it when the
payment is no longer pending (already recorded, or retried as a new payment), which changes
nothing. So uploading the same statement twice, or again after the API died between the
database and the workflow, leaves every case as one upload would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import HTTPException
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from api.decisions import take
from api.payments.camt import Booked, read_statement
from core.db import write_transaction
from models.payloads import Actor
from models.payments import InstructionStatus, PaymentInstruction
from models.tables import Case
from workflows.phases.grant import RECORD_TRANSFER_OUTCOME


@dataclass
class Outcome:
    """One line of the reconciliation's result, as the finance page shows it."""

    end_to_end_id: str
    result: str  # paid, returned, already recorded, amount differs, unknown reference
    reference: str | None = None  # the case's
    reason: str | None = None
    case_id: str | None = None
    paid: bool | None = None
    booked: Booked | None = None
    payment_id: str | None = None


def _apply(session: Session, booked: list[Booked]) -> list[Outcome]:
    outcomes = []
    with write_transaction(session):
        for b in booked:
            row = session.exec(select(PaymentInstruction, Case.reference)
                               .join(Case, col(Case.id) == PaymentInstruction.case_id)
                               .where(col(PaymentInstruction.end_to_end_id) == b.end_to_end_id)
                               ).first()
            if row is None:
                outcomes.append(Outcome(b.end_to_end_id, "unknown reference"))
                continue
            instruction, reference = row
            line = Outcome(b.end_to_end_id, "", reference, b.reason, instruction.case_id,
                           b.paid, b, instruction.payment_id)
            if b.amount is not None and b.amount != instruction.amount:
                line.result, line.paid = f"amount differs ({b.amount}, sent {instruction.amount})", None
            elif instruction.status == InstructionStatus.EXPORTED:
                instruction.status = InstructionStatus.PAID if b.paid else InstructionStatus.RETURNED
                instruction.settled_on, instruction.bank_reference = b.booked_on, b.bank_reference
                instruction.return_reason = b.reason
                session.add(instruction)
                line.result = "paid" if b.paid else "returned"
            else:
                line.result = f"already recorded ({instruction.status})"
                line.paid = instruction.status == InstructionStatus.PAID
            outcomes.append(line)
        session.commit()
    return outcomes


async def reconcile(engine: Engine, client: Client, actor: Actor, data: bytes) -> list[Outcome]:
    with Session(engine) as session:
        _, booked = read_statement(data)
        outcomes = _apply(session, booked)
    for line in outcomes:
        if line.case_id is None or line.paid is None or line.booked is None:
            continue
        b = line.booked
        try:
            await take(client, engine, line.case_id, RECORD_TRANSFER_OUTCOME, actor, {
                "payment_id": line.payment_id, "paid": line.paid,
                "booked_on": b.booked_on or date.today(), "bank_reference": b.bank_reference[:200],
                "reason": b.reason,
            })
        except HTTPException as err:
            if line.result in ("paid", "returned"):  # new here, yet the case refused it
                line.result += f" (the case did not take it: {err.detail})"
    return outcomes

