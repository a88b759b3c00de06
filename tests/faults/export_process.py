"""A separate process for the export race: ``instruct`` creates the payment instructions as a
worker's activity does, ``export`` makes one transfer file, ``export-and-hang`` claims the
instructions and then hangs before its commit, until the test kills it (SIGKILL)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session

from activities.payments_office import BankTransferPayments
from api.payments import export
from core.db import build_engine
from core.settings import Settings
from models.external import PaymentRequest


def main() -> None:
    mode, url, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    settings = Settings(_env_file=None, database_url=url, debtor_name="Homeward return office",  # type: ignore[call-arg]
                        debtor_iban="DE89370400440532013000", debtor_bic="COBADEFFXXX")
    engine = build_engine(settings)
    if mode == "instruct":
        payments = BankTransferPayments(engine)
        for case_id, payment_id in json.loads(Path(arg).read_text()):
            asyncio.run(payments.pay(PaymentRequest(
                case_id=case_id, payment_id=payment_id, idempotency_key=f"{case_id}:{payment_id}",
                amount=Decimal("300.00"), currency="EUR")))
        return
    if mode == "export-and-hang":
        build = export.build_pain001

        def hang(*args: object) -> object:
            result = build(*args)  # type: ignore[arg-type]
            Path(arg).write_text("claimed")  # the rows are claimed, the commit is next
            time.sleep(300)
            return result

        export.build_pain001 = hang  # type: ignore[assignment]
    with Session(engine) as session:
        made = export.export_transfers(session, settings, "finance", date.today())
    print(made.id if made else "none")


if __name__ == "__main__":
    main()
