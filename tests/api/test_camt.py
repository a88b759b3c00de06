"""Reading bank statements: camt.054 and camt.053, any version's namespace; only booked
entries count, a return carries the bank's code and words, anything else is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from api.payments.camt import StatementError, read_statement
from tests.api.test_bank_transfers import camt054

CAMT053 = b"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>STMT-42</MsgId><CreDtTm>2027-01-04T07:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id>
 <Ntry><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><Dt>2027-01-03</Dt></BookgDt><AcctSvcrRef>E-1</AcctSvcrRef>
  <NtryDtls><TxDtls><Refs><EndToEndId>AAA</EndToEndId><AcctSvcrRef>T-1</AcctSvcrRef></Refs>
  </TxDtls></NtryDtls></Ntry>
 <Ntry><Amt Ccy="EUR">450.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
  <NtryDtls><TxDtls><Refs><EndToEndId>BBB</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
 <Ntry><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
  <NtryDtls><TxDtls><Refs><EndToEndId>CCC</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


def test_a_camt053_statement_reports_booked_debits_only() -> None:
    message_id, booked = read_statement(CAMT053)
    assert message_id == "STMT-42"
    assert [(b.end_to_end_id, b.paid, b.amount, b.booked_on, b.bank_reference) for b in booked] == [
        ("AAA", True, Decimal("300.00"), date(2027, 1, 3), "T-1")]


def test_a_camt054_return_carries_the_bank_s_reason() -> None:
    _, booked = read_statement(camt054([("AAA", "300.00", None), ("BBB", "300.00", "AC04")]))
    assert [(b.end_to_end_id, b.paid, b.reason) for b in booked] == [
        ("AAA", True, None), ("BBB", False, "AC04 Account closed")]


@pytest.mark.parametrize(("data", "why"), [
    (b"not xml", "not XML"),
    (b"<Document><CstmrCdtTrfInitn/></Document>", "not a camt.054 or camt.053 statement"),
])
def test_anything_else_is_refused_with_the_reason(data: bytes, why: str) -> None:
    with pytest.raises(StatementError, match=why):
        read_statement(data)
