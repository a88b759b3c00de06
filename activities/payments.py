"""The payment provider: pays the cash grant exactly once per idempotency key."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel
from sqlalchemy.engine import Engine
from temporalio import activity

from activities.costs import book_lines_async
from activities.simulation import (
    Clock,
    ServiceUnavailable,
    Simulator,
    SimulatorConfig,
    refusal,
    simulates,
)
from models.enums import CostCategory
from models.external import PAYMENT_DECLINED, PaymentRequest, PaymentResult
from models.funding import CostLine


class PaymentsClient(Protocol):
    async def pay(self, data: PaymentRequest) -> PaymentResult: ...


class LedgerEntry(BaseModel):
    idempotency_key: str
    case_id: str
    amount: Decimal
    currency: str
    receipt_ref: str


class SimulatedPayments(Simulator):
    """An in-memory ledger keyed by idempotency key, like a real provider's idempotency."""

    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.ledger: list[LedgerEntry] = []
        self._file = Path(self.config.ledger_path) if self.config.ledger_path else None
        if self._file is not None and self._file.exists():
            self.ledger = read_ledger(self._file)
        # The next N payments are recorded, then the call fails before answering.
        self.crash_after_record = 0

    async def pay(self, data: PaymentRequest) -> PaymentResult:
        await self.call("payments")
        for entry in self.ledger:
            if entry.idempotency_key == data.idempotency_key:
                return PaymentResult(receipt_ref=entry.receipt_ref)
        if self.refuses():
            raise refusal("payment declined by the provider", PAYMENT_DECLINED)
        entry = LedgerEntry(
            idempotency_key=data.idempotency_key,
            case_id=data.case_id,
            amount=data.amount,
            currency=data.currency,
            receipt_ref=self.reference("RCPT"),
        )
        self.ledger.append(entry)
        if self._file is not None:
            with self._file.open("a") as out:
                out.write(entry.model_dump_json() + "\n")
        if self.crash_after_record:
            self.crash_after_record -= 1
            raise ServiceUnavailable("connection reset after the payment was recorded")
        return PaymentResult(receipt_ref=entry.receipt_ref)


def read_ledger(path: Path) -> list[LedgerEntry]:
    """A ledger file's entries (a line cut short by a killed process is skipped)."""
    entries = []
    for line in path.read_text().splitlines():
        try:
            entries.append(LedgerEntry.model_validate_json(line))
        except ValueError:
            continue
    return entries


class PaymentActivities:
    def __init__(self, client: PaymentsClient, engine: Engine | None = None) -> None:
        self._client = client
        self._engine = engine  # the cost ledger's database

    @activity.defn(name="pay_grant")
    async def pay_grant(self, data: PaymentRequest) -> PaymentResult:
        """Pay the grant and book it as a cost; the provider deduplicates on the business
        idempotency key and the ledger on the same key, so a retry pays and books once. A
        payment the office makes (cash, bank transfer) is booked from what is recorded."""
        result = await self._client.pay(data)
        if result.pending:
            return result  # booked when the hand-over or the bank's statement is recorded
        await book_lines_async(self._engine, [CostLine(
            key=f"{data.idempotency_key}:cash_grant", case_id=data.case_id,
            category=CostCategory.CASH_GRANT, amount=data.amount,
            incurred_on=datetime.now(UTC).date(),
            description=f"cash grant, receipt {result.receipt_ref}",
            simulated=simulates(self._client),
        )])
        return result
