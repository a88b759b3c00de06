"""Each approved grant is in exactly one payment instruction and one line of one transfer file:
two worker processes create the instructions at once, a process is killed (SIGKILL) between
claiming instructions and committing its file, and two exports then run at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import Settings
from models.payments import BankAccount, InstructionStatus, PaymentInstruction, TransferExport
from tests.factories import insert_case

ROOT = Path(__file__).parents[2]
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def _process(mode: str, url: str, arg: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.export_process", mode, url, arg], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "HOMEWARD_LOG_LEVEL": "WARNING"},
    )


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out.strip()


def test_each_grant_in_one_instruction_and_one_file_line_despite_kills_and_races(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    url = settings.database_url
    payments = []
    with Session(engine) as session:
        for n in range(12):
            case = insert_case(engine)
            payments.append((case.id, str(uuid.uuid4())))
            session.add(BankAccount(case_id=case.id, iban="DE89370400440532013000",
                                    bic="COBADEFFXXX", holder=f"Returnee {n}", updated_by="cw"))
        session.commit()
    plan = tmp_path / "payments.json"
    plan.write_text(json.dumps(payments))
    # Two workers run the same payment activities at once (a retry elsewhere, a redelivery).
    for proc in [_process("instruct", url, str(plan)) for _ in range(2)]:
        _finish(proc)

    marker = tmp_path / "claimed"
    doomed = _process("export-and-hang", url, str(marker))
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert doomed.poll() is None, doomed.communicate()[1]
        assert time.monotonic() < deadline, "the export never claimed its instructions"
        time.sleep(0.05)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)

    racing = [_process("export", url, "-") for _ in range(2)]
    made = [_finish(p) for p in racing]
    # Usually one takes every instruction and the other finds none; either way, below, no
    # instruction is in two files.
    assert any(m != "none" for m in made)

    with Session(engine) as session:
        rows = session.exec(select(PaymentInstruction)).all()
        files = session.exec(select(TransferExport)).all()
    assert sorted((r.case_id, r.payment_id) for r in rows) == sorted(payments)
    assert {r.status for r in rows} == {InstructionStatus.EXPORTED}
    assert {r.export_id for r in rows} == {f.id for f in files}  # the killed one left no file
    lines: Counter[str] = Counter()
    for f in files:
        doc = ET.fromstring(f.xml)
        ids = [e.text for e in doc.iterfind(".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId", NS)]
        lines.update(i for i in ids if i)
        assert len(ids) == f.transactions
    assert lines == Counter(r.end_to_end_id for r in rows)
    assert set(lines.values()) == {1}
