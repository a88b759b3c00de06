"""Bank transfers of cash grants: the returnee's account, the payment instructions under their
business key, and the pain.001 files they were exported in. Personal data (IBAN, holder) stays
here, never in a workflow."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables import utcnow


class InstructionStatus(StrEnum):
    PENDING = "pending"  # waiting for the next transfer file
    EXPORTED = "exported"  # in a file the finance user took to the bank
    PAID = "paid"  # the bank's statement booked it
    RETURNED = "returned"  # the bank returned it (reason kept); a retry is a new instruction


class BankAccount(SQLModel, table=True):
    """The account a case's grant is transferred to (one per case; replaced when corrected)."""

    __tablename__ = "bank_accounts"

    case_id: str = Field(primary_key=True, foreign_key="cases.id", max_length=36)
    iban: str = Field(max_length=34)
    bic: str = Field(max_length=11)
    holder: str = Field(max_length=70)
    updated_by: str = Field(max_length=36)
    updated_at: datetime = Field(default_factory=utcnow)


class TransferExport(SQLModel, table=True):
    """One pain.001 file, kept as built: a second download is the same file."""

    __tablename__ = "transfer_exports"

    id: str = Field(primary_key=True, max_length=36)
    message_id: str = Field(max_length=35, unique=True)
    created_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow)
    transactions: int
    total: Decimal = Field(max_digits=14, decimal_places=2)
    xml: str = Field(sa_column=Column(Text, nullable=False))


class PaymentInstruction(SQLModel, table=True):
    """One grant payment to transfer, under its business key (case id + payment id): the
    activity that creates it, retried or run twice, finds it and creates nothing."""

    __tablename__ = "payment_instructions"
    __table_args__ = (UniqueConstraint("case_id", "payment_id", name="uq_instruction_payment"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    payment_id: str = Field(max_length=36)
    # The payment's id without dashes (32 characters; pain.001 allows 35): the bank's
    # statement quotes it back.
    end_to_end_id: str = Field(max_length=35, unique=True)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    currency: str = Field(max_length=3)
    status: str = Field(default=InstructionStatus.PENDING, max_length=20, index=True)
    export_id: str | None = Field(default=None, foreign_key="transfer_exports.id", index=True,
                                  max_length=36)
    created_at: datetime = Field(default_factory=utcnow)
    # What the bank's statement said: when, its reference, and a return's reason.
    settled_on: date | None = None
    bank_reference: str | None = Field(default=None, max_length=100)
    return_reason: str | None = Field(default=None, max_length=300)
