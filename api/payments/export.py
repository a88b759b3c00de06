"""Collecting pending payment instructions into one ISO 20022 pain.001 credit-transfer file.

Each instruction goes out in exactly one file. One transaction creates the file's record,
claims the instructions (``UPDATE ... SET export_id WHERE status = 'pending'``), builds and
validates the XML, stores it and commits:

- two exports at once: PostgreSQL makes the second UPDATE wait on the rows the first holds and
  re-check ``status = 'pending'`` once it commits, so it skips them; on SQLite the write lock
  (``write_transaction``) runs them one after the other;
- a process killed between claim and commit: the transaction never commits, the rows stay
  pending (the database rolls back), no file exists; the next export takes them;
- the file is kept as built: downloading it again is the same file, never a new one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sepaxml import SepaTransfer
from sqlalchemy import update
from sqlmodel import Session, col, select

from core.db import write_transaction
from core.settings import Settings
from models.payments import BankAccount, InstructionStatus, PaymentInstruction, TransferExport
from models.tables import Case

SCHEMA = "pain.001.001.03"


@dataclass(frozen=True)
class Line:
    """One credit transfer of a file: the instruction, its case's reference and account."""

    instruction: PaymentInstruction
    reference: str
    account: BankAccount


def build_pain001(settings: Settings, lines: list[Line], execution: date) -> tuple[str, bytes]:
    """The file's message id and XML, validated against the ISO 20022 schema by sepaxml."""
    sepa = SepaTransfer({
        "name": settings.debtor_name, "IBAN": settings.debtor_iban, "BIC": settings.debtor_bic,
        "batch": True, "currency": "EUR",
    }, schema=SCHEMA, clean=True)
    for line in lines:
        i = line.instruction
        sepa.add_payment({
            "name": line.account.holder, "IBAN": line.account.iban, "BIC": line.account.bic,
            "amount": int(i.amount * 100), "currency": i.currency, "execution_date": execution,
            "description": f"Return grant {line.reference}", "endtoend_id": i.end_to_end_id,
        })
    return sepa.msg_id, sepa.export(validate=True)


def export_transfers(session: Session, settings: Settings, actor_id: str,
                     execution: date) -> TransferExport | None:
    """A new file of every pending instruction whose case has an account; None if none."""
    with write_transaction(session):
        export = TransferExport(id=str(uuid.uuid4()), message_id=f"pending-{uuid.uuid4().hex[:20]}",
                                created_by=actor_id, transactions=0, total=Decimal(0), xml="")
        session.add(export)
        session.flush()
        claimed = session.execute(
            update(PaymentInstruction)
            .where(col(PaymentInstruction.status) == InstructionStatus.PENDING,
                   col(PaymentInstruction.export_id).is_(None),
                   col(PaymentInstruction.case_id).in_(select(BankAccount.case_id)))
            .values(status=InstructionStatus.EXPORTED, export_id=export.id)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            session.rollback()
            return None
        rows = session.exec(
            select(PaymentInstruction, Case.reference, BankAccount)
            .join(Case, col(Case.id) == PaymentInstruction.case_id)
            .join(BankAccount, col(BankAccount.case_id) == PaymentInstruction.case_id)
            .where(col(PaymentInstruction.export_id) == export.id)
            .order_by(col(PaymentInstruction.id))
        ).all()
        lines = [Line(i, ref, account) for i, ref, account in rows]
        message_id, xml = build_pain001(settings, lines, execution)
        export.message_id, export.xml = message_id, xml.decode()
        export.transactions = len(lines)
        export.total = sum((line.instruction.amount for line in lines), Decimal(0))
        session.add(export)
        session.commit()
    session.refresh(export)
    return export


def waiting(session: Session) -> list[tuple[PaymentInstruction, str, bool]]:
    """Instructions not yet in a file: each with its case's reference and whether the case
    has an account (without one it waits for a caseworker to record it)."""
    rows = session.exec(
        select(PaymentInstruction, Case.reference, BankAccount.case_id)
        .join(Case, col(Case.id) == PaymentInstruction.case_id)
        .join(BankAccount, col(BankAccount.case_id) == PaymentInstruction.case_id, isouter=True)
        .where(col(PaymentInstruction.status) == InstructionStatus.PENDING)
        .order_by(col(PaymentInstruction.id))
    ).all()
    return [(i, ref, has is not None) for i, ref, has in rows]
