"""Reading the bank's statement (ISO 20022 camt.054 debit notification or camt.053 statement):
for each of our transfers, paid or returned with the bank's reason.

The standard library's parser, namespace-agnostic, so camt.053/054 in the versions banks send
(.001.02 to .001.08) read the same. A transfer is known by the end-to-end id we gave it in the
pain.001 file; a booked debit is paid, a transaction with return information is returned.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


class StatementError(ValueError):
    """Not a camt.053/054 statement we can read; the message says why."""


@dataclass(frozen=True)
class Booked:
    end_to_end_id: str
    paid: bool
    amount: Decimal | None
    booked_on: date | None
    bank_reference: str
    reason: str | None = None  # a return's code and the bank's words


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(node: ET.Element, path: str) -> ET.Element | None:
    """The first element along ``path`` (local names, '/'-separated), at any namespace."""
    current: list[ET.Element] = [node]
    for name in path.split("/"):
        current = [c for parent in current for c in parent if _local(c.tag) == name]
        if not current:
            return None
    return current[0]


def _text(node: ET.Element, path: str) -> str | None:
    found = _find(node, path)
    return found.text.strip() if found is not None and found.text else None


def _all(node: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in node.iter() if _local(e.tag) == name]


def read_statement(data: bytes) -> tuple[str, list[Booked]]:
    """The statement's message id and every transaction it reports, in document order."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise StatementError(f"not XML: {err}") from err
    kind = next((_local(c.tag) for c in root), "")
    if kind not in ("BkToCstmrDbtCdtNtfctn", "BkToCstmrStmt"):
        raise StatementError(f"not a camt.054 or camt.053 statement (found {kind or 'nothing'})")
    message_id = _text(root, f"{kind}/GrpHdr/MsgId") or "?"
    booked: list[Booked] = []
    for entry in _all(root, "Ntry"):
        status = _text(entry, "Sts/Cd") or _text(entry, "Sts") or ""
        if status != "BOOK":
            continue  # pending or informational: not settled yet
        debit = _text(entry, "CdtDbtInd") == "DBIT"
        day = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")
        entry_ref = _text(entry, "AcctSvcrRef") or message_id
        for tx in _all(entry, "TxDtls"):
            e2e = _text(tx, "Refs/EndToEndId")
            if not e2e or e2e == "NOTPROVIDED":
                continue
            amount = _text(tx, "AmtDtls/TxAmt/Amt") or _text(tx, "Amt") or _text(entry, "Amt")
            returned = _find(tx, "RtrInf")
            reason = None
            if returned is not None:
                code = _text(returned, "Rsn/Cd") or _text(returned, "Rsn/Prtry") or "return"
                words = " ".join(e.text.strip() for e in _all(returned, "AddtlInf") if e.text)
                reason = f"{code} {words}".strip()
            elif not debit:
                continue  # a credit without return information is not one of our transfers
            booked.append(Booked(
                end_to_end_id=e2e, paid=returned is None,
                amount=Decimal(amount) if amount else None,
                booked_on=date.fromisoformat(day[:10]) if day else None,
                bank_reference=_text(tx, "Refs/AcctSvcrRef") or entry_ref, reason=reason,
            ))
    return message_id, booked
