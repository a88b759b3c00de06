"""The real payment modes: the office hands the grant over in cash, or the bank transfers it
from a pain.001 file. Neither moves money here: the activity hands the payment to the office
(a bank transfer as a payment instruction in Homeward's database) and the grant waits for
what staff (the hand-over) or the bank's statement (paid, returned) record."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.db import write_transaction
from models.external import PaymentRequest, PaymentResult
from models.payments import PaymentInstruction


class CashPayments:
    """Cash against a signed receipt: nothing to call; a caseworker records the hand-over."""

    async def pay(self, data: PaymentRequest) -> PaymentResult:
        return PaymentResult(receipt_ref="", pending="cash")


def end_to_end_id(payment_id: str) -> str:
    return payment_id.replace("-", "")


class BankTransferPayments:
    """A payment instruction under the business key (case id + payment id, UNIQUE): a retried
    activity, or the same activity on a second worker, finds the row and adds none."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def pay(self, data: PaymentRequest) -> PaymentResult:
        return await asyncio.to_thread(self._instruct, data)

    def _instruct(self, data: PaymentRequest) -> PaymentResult:
        ref = end_to_end_id(data.payment_id)
        with Session(self._engine) as session:
            try:
                with write_transaction(session):
                    if self._find(session, data) is None:
                        session.add(PaymentInstruction(
                            case_id=data.case_id, payment_id=data.payment_id, end_to_end_id=ref,
                            amount=data.amount, currency=data.currency,
                        ))
                    session.commit()
            except IntegrityError:
                session.rollback()  # the other worker's insert won: the same instruction
                if self._find(session, data) is None:
                    raise
        return PaymentResult(receipt_ref=ref, pending="bank_transfer")

    @staticmethod
    def _find(session: Session, data: PaymentRequest) -> PaymentInstruction | None:
        return session.exec(select(PaymentInstruction).where(
            col(PaymentInstruction.case_id) == data.case_id,
            col(PaymentInstruction.payment_id) == data.payment_id,
        )).first()
