"""Bank transfers end to end with the real protocol pieces: the returnee's account checked by
schwifty, a pain.001 file valid against the ISO 20022 schema, and a camt.054 built here that
reconciles one payment as paid and one as returned (whose case then waits for a retry)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sepaxml
import xmlschema
from sqlalchemy.engine import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.payments_office import BankTransferPayments
from api.main import create_app
from core.cli import venv_binary
from core.converter import build_data_converter
from core.modes import PaymentsMode
from core.search_attributes import ensure_search_attributes
from core.settings import Settings
from models.enums import GrantStatus
from models.payloads import CaseState
from models.users import User
from tests.tokens import bearer
from tests.workflows.scenario import clients
from tests.workflows.test_grant_payment import to_departure
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
DEBTOR = {"payments": PaymentsMode.BANK_TRANSFER, "debtor_name": "Homeward return office",
          "debtor_iban": "LV80BANK0000435195001", "debtor_bic": "HABALV22"}
ACCOUNTS = [("DE89370400440532013000", "COBADEFFXXX", "Nino Beridze"),
            ("GB29NWBK60161331926819", "NWBKGB2L", "Giorgi Kapanadze")]


@pytest.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=build_data_converter(),
    )
    await ensure_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest.fixture
async def bank(time_env: WorkflowEnvironment, settings: Settings, engine: Engine,
               users: dict[str, User]) -> AsyncIterator[tuple[httpx.AsyncClient, Settings]]:
    settings = settings.model_copy(update=DEBTOR)
    app = create_app(settings)
    app.state.engine, app.state.temporal = engine, time_env.client
    sims = clients()
    sims.payments = BankTransferPayments(engine)
    async with (
        build_worker(time_env.client, settings, engine, clients=sims),
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
                          headers=bearer("caseworker")) as client,
    ):
        yield client, settings


def camt054(lines: list[tuple[str, str, str | None]]) -> bytes:
    """A bank's debit notification: (end-to-end id, amount, return reason code or None)."""
    entries = []
    for n, (e2e, amount, returned) in enumerate(lines):
        rtr = (f"<RtrInf><Rsn><Cd>{returned}</Cd></Rsn><AddtlInf>Account closed</AddtlInf>"
               "</RtrInf>") if returned else ""
        entries.append(
            f"<Ntry><NtryRef>{n}</NtryRef><Amt Ccy='EUR'>{amount}</Amt>"
            f"<CdtDbtInd>{'CRDT' if returned else 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts>"
            "<BookgDt><Dt>2026-12-30</Dt></BookgDt><ValDt><Dt>2026-12-30</Dt></ValDt>"
            f"<AcctSvcrRef>BANKREF-{n}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT"
            "</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs>"
            f"<EndToEndId>{e2e}</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy='EUR'>{amount}"
            f"</Amt></TxAmt></AmtDtls>{rtr}</TxDtls></NtryDtls></Ntry>"
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.02'><BkToCstmrDbtCdtNtfctn>"
        "<GrpHdr><MsgId>NTF-2026-12-30-1</MsgId><CreDtTm>2026-12-30T18:00:00</CreDtTm></GrpHdr>"
        "<Ntfctn><Id>N1</Id><CreDtTm>2026-12-30T18:00:00</CreDtTm><Acct><Id><IBAN>"
        "LV80BANK0000435195001</IBAN></Id></Acct>" + "".join(entries) +
        "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


async def accepted_updates(handle: WorkflowHandle[ReturnCaseWorkflow, CaseState]) -> int:
    history = await handle.fetch_history()
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
               for e in history.events)


async def test_transfer_file_and_statement_pay_one_grant_and_return_the_other(
    bank: tuple[httpx.AsyncClient, Settings], time_env: WorkflowEnvironment, engine: Engine,
) -> None:
    api, settings = bank
    handles = [(await to_departure(time_env, settings, engine, "approved"))[0] for _ in range(2)]
    states = [await h.query(ReturnCaseWorkflow.state) for h in handles]
    assert {s.grant.status for s in states if s.grant} == {GrantStatus.PAYMENT_PENDING}

    wrong = await api.put(f"/cases/{states[0].case_id}/bank-account", json={
        "iban": "DE89370400440532013001", "bic": "COBADEFFXXX", "holder": "Nino Beridze"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "iban"]
    wrong = await api.put(f"/cases/{states[0].case_id}/bank-account", json={
        "iban": "DE89370400440532013000", "bic": "COBA", "holder": "Nino Beridze"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "bic"]
    for state, (iban, bic, holder) in zip(states, ACCOUNTS, strict=True):
        r = await api.put(f"/cases/{state.case_id}/bank-account",
                          json={"iban": iban, "bic": bic, "holder": holder})
        assert r.status_code == 200, r.text

    finance = bearer("finance")
    waiting = (await api.get("/payments/instructions", headers=finance)).json()
    assert len(waiting) == 2 and all(w["has_account"] for w in waiting)
    made = await api.post("/payments/exports", headers=finance)
    assert made.status_code == 201 and made.json()["transactions"] == 2
    assert made.json()["total"] == "600.00"
    again = await api.post("/payments/exports", headers=finance)
    assert again.status_code == 409  # every instruction is in the first file already
    file = await api.get(f"/payments/exports/{made.json()['id']}/file", headers=finance)
    assert file.status_code == 200

    xmlschema.XMLSchema(str(XSD)).validate(file.text)  # the ISO 20022 schema itself
    doc = ET.fromstring(file.content)
    ns = {"p": PAIN}
    txs = doc.findall(".//p:CdtTrfTxInf", ns)
    e2e = {s.grant.payment_id.replace("-", "") for s in states if s.grant and s.grant.payment_id}
    assert {t.findtext("p:PmtId/p:EndToEndId", namespaces=ns) for t in txs} == e2e
    assert {t.findtext("p:Amt/p:InstdAmt", namespaces=ns) for t in txs} == {"300.00"}
    assert {t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) for t in txs} == {
        a[0] for a in ACCOUNTS}
    assert doc.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns) == DEBTOR["debtor_iban"]
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "600.00"

    paid_id, returned_id = (s.grant.payment_id.replace("-", "") for s in states if s.grant)
    statement = camt054([(paid_id, "300.00", None), (returned_id, "300.00", "AC04"),
                         ("SOMEONEELSE1", "12.00", None)])
    upload = await api.post("/payments/statements", headers=finance,
                            files={"file": ("camt054.xml", statement, "application/xml")})
    assert upload.status_code == 200, upload.text
    assert [(o["result"], o["reason"]) for o in upload.json()] == [
        ("paid", None), ("returned", "AC04 Account closed"), ("unknown reference", None)]

    paid, returned = [await h.query(ReturnCaseWorkflow.state) for h in handles]
    assert paid.grant is not None and paid.grant.status == GrantStatus.PAID
    assert paid.grant.receipt_ref == "BANKREF-0"
    assert returned.grant is not None and returned.grant.status == GrantStatus.PAYMENT_FAILED
    assert returned.grant.reason == "AC04 Account closed"
    assert (returned.awaiting or "").startswith("decision on the declined grant payment")
    costs = (await api.get(f"/cases/{paid.case_id}/costs")).json()
    assert [c["amount"] for c in costs["data"] if c["category"] == "cash_grant"] == ["300.00"]

    events = [await accepted_updates(h) for h in handles]
    upload = await api.post("/payments/statements", headers=finance,
                            files={"file": ("camt054.xml", statement, "application/xml")})
    assert [o["result"] for o in upload.json()] == [
        "already recorded (paid)", "already recorded (returned)", "unknown reference"]
    assert [await accepted_updates(h) for h in handles] == events  # the cases took nothing
