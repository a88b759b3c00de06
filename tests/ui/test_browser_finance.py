"""In Chromium: finance creates the transfer file of an approved grant, downloads it (a valid
ISO 20022 pain.001), and uploads the bank's camt.054 to see the grant paid. Screenshots go to
test-artifacts/screenshots (finance-*)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import xmlschema
from playwright.async_api import Browser, expect
from sqlalchemy.engine import Engine
from temporalio.testing import WorkflowEnvironment

from activities.payments_office import BankTransferPayments
from core.settings import Settings
from models.enums import GrantStatus
from tests.api.test_bank_transfers import XSD, camt054
from tests.ui.test_browser import (  # noqa: F401
    SHOTS,
    api_process,
    chromium,
    pytestmark,
    shoot,
    signed_in,
)
from tests.workflows.scenario import clients
from tests.workflows.test_grant_payment import to_departure
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

DEBTOR = {"HOMEWARD_PAYMENTS": "bank_transfer", "HOMEWARD_DEBTOR_NAME": "Homeward return office",
          "HOMEWARD_DEBTOR_IBAN": "LV80BANK0000435195001", "HOMEWARD_DEBTOR_BIC": "HABALV22"}


@pytest.fixture
def bank_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in DEBTOR.items():  # read by the API process at its start
        monkeypatch.setenv(name, value)
    yield


@pytest.fixture
async def bank_stack(bank_mode: None, api_process: str,  # noqa: F811
                     time_env: WorkflowEnvironment, settings: Settings,
                     engine: Engine) -> AsyncIterator[str]:
    sims = clients()
    sims.payments = BankTransferPayments(engine)
    async with build_worker(time_env.client, settings, engine, clients=sims):
        yield api_process


async def test_finance_downloads_the_transfer_file_and_reconciles_the_statement(
    bank_stack: str, chromium: Browser, time_env: WorkflowEnvironment,  # noqa: F811
    settings: Settings, engine: Engine, tmp_path: Path,
) -> None:
    handle, state = await to_departure(time_env, settings, engine, "approved")
    assert state.grant is not None and state.grant.status == GrantStatus.PAYMENT_PENDING
    # The caseworker records the returnee's account on the case page; a typo is refused.
    caseworker = await signed_in(chromium, bank_stack, "caseworker")
    await caseworker.goto(f"/ui/cases/{state.case_id}")
    form = caseworker.get_by_role("form", name="Record the bank account")
    await form.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 01")
    await form.get_by_label("BIC").fill("COBADEFFXXX")
    await form.get_by_label("Account holder").fill("Nino Beridze")
    await form.get_by_role("button").click()
    await expect(caseworker.get_by_test_id("bank-account-error")).to_contain_text(
        "iban: not a valid IBAN")
    form = caseworker.get_by_role("form", name="Record the bank account")
    await form.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    await form.get_by_role("button").click()
    await expect(caseworker.get_by_test_id("bank-account")).to_contain_text(
        "DE89370400440532013000")
    await caseworker.get_by_test_id("bank-account").scroll_into_view_if_needed()
    await caseworker.screenshot(path=SHOTS / "finance-case-bank-account-1280.png")

    page = await signed_in(chromium, bank_stack, "finance")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Grant transfers").click()
    waiting = page.get_by_test_id("waiting")
    await expect(waiting).to_contain_text(state.reference)
    await expect(waiting).to_contain_text("300.00 EUR")
    await page.get_by_test_id("create-export").click()
    exports = page.get_by_test_id("exports")
    await expect(exports).to_contain_text("300.00")
    await expect(waiting).to_contain_text("No grant is waiting")
    await shoot(page, "finance-transfer-file")

    async with page.expect_download() as info:
        await exports.get_by_role("link", name="Download").click()
    download = await info.value
    saved = SHOTS.parent / "pain001-finance.xml"
    await download.save_as(saved)
    assert download.suggested_filename.startswith("pain001-")
    xml = saved.read_text()
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    e2e = (state.grant.payment_id or "").replace("-", "")
    assert f"<EndToEndId>{e2e}</EndToEndId>" in xml and "DE89370400440532013000" in xml

    statement = tmp_path / "camt054.xml"
    statement.write_bytes(camt054([(e2e, "300.00", None)]))
    await page.locator("#statement-file").set_input_files(statement)
    await page.get_by_test_id("upload-statement").click()
    outcomes = page.get_by_test_id("outcomes")
    await expect(outcomes).to_contain_text("paid")
    await expect(outcomes).to_contain_text(state.reference)
    await shoot(page, "finance-statement")
    paid = await handle.query(ReturnCaseWorkflow.state)
    assert paid.grant is not None and paid.grant.status == GrantStatus.PAID
    print(f"\nscreenshots: {SHOTS}/finance-*")
