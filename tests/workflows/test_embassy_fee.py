"""The fee the embassy charged, recorded with its answer (patch embassy-fee): booked once as the
case's document fee, in the project's currency only; the simulator's own fee stays as it was."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.embassy import SimulatedEmbassy
from api.decisions import refusal_code, refusal_reason
from core.settings import Settings
from models.costs import Cost
from models.decisions import AssessDocumentsInput, EmbassyAnswerInput
from models.enums import CostCategory, DocumentStatus, Stage
from models.external import DocumentRequest, DocumentRequestResult, WithdrawDocumentRequest
from models.payloads import CaseState
from models.timeline import TimelineEntry
from tests.workflows.scenario import CASEWORKER, clients, person, start_case, through_consent, today
from tests.workflows.update_refusal import refused
from worker import build_worker
from workflows.return_case import ReturnCaseWorkflow

Handle = WorkflowHandle[ReturnCaseWorkflow, CaseState]


class LetterEmbassy:
    """Stands in for the e-mailed request (HOMEWARD_EMBASSY=email): a reference, no fee."""

    async def request_document(self, data: DocumentRequest) -> DocumentRequestResult:
        return DocumentRequestResult(request_ref=f"LV-TEST/ETD-{data.request_key[-1]}")

    async def withdraw_request(self, data: WithdrawDocumentRequest) -> None:
        return None

    async def chase_request(self, data: object) -> None:
        return None


def _fees(engine: Engine, case_id: str) -> list[tuple[str, Decimal]]:
    with Session(engine) as session:
        return [(c.description, c.amount) for c in session.exec(select(Cost).where(
            col(Cost.case_id) == case_id, col(Cost.category) == CostCategory.DOCUMENT_FEE))]


async def _requested(env: WorkflowEnvironment, settings: Settings, engine: Engine) -> Handle:
    """Two people whose passports are missing: the embassy is asked for both documents."""
    day = await today(env)
    handle = await start_case(env, settings, engine, [person("m1"), person("m2")])
    await through_consent(env, handle)
    state = await handle.execute_update(ReturnCaseWorkflow.assess_travel_documents,
                                        AssessDocumentsInput(actor=CASEWORKER,
                                                             planned_departure=day + timedelta(30)))
    assert state.documents.status == DocumentStatus.REQUESTED
    return handle


FEE_ENTRY = "embassy answer recorded: issued, fee 60.00 EUR"


def _summaries(engine: Engine, case_id: str) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(TimelineEntry.summary).where(
            col(TimelineEntry.case_id) == case_id)).all())


def _answer(ref: str, day: object, fee: str | None, currency: str | None) -> EmbassyAnswerInput:
    return EmbassyAnswerInput(
        actor=CASEWORKER, request_ref=ref, issued=True, valid_until=day + timedelta(120),  # type: ignore[operator]
        fee=Decimal(fee) if fee else None, fee_currency=currency,
    )


async def test_the_fee_recorded_with_the_embassy_answer_is_booked_once_as_recorded(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    sims.embassy = LetterEmbassy()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle = await _requested(time_env, settings, engine)
        case_id = (await handle.query(ReturnCaseWorkflow.state)).case_id
        ref = (await handle.query(ReturnCaseWorkflow.state)).documents.request_ref or ""
        assert _fees(engine, case_id) == []  # a letter charges nothing by itself
        day = await today(time_env)
        assert "needs its currency" in await refused(handle.execute_update(
            ReturnCaseWorkflow.record_embassy_answer, _answer(ref, day, "60.00", None)))
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                ReturnCaseWorkflow.record_embassy_answer, _answer(ref, day, "60.00", "usd"))
        reason = refusal_reason(err.value)
        assert "the fee is in USD" in reason and "keeps its accounts in EUR" in reason
        # The activity's code and figures reach the decision's refusal: shown translated.
        assert refusal_code(err.value) == ("fee_other_currency", {
            "currency": "USD", "project": "default", "project_currency": "EUR"})
        # Refused before anything changed: still waiting for the answer, nothing booked.
        state = await handle.query(ReturnCaseWorkflow.state)
        assert state.documents.status == DocumentStatus.REQUESTED and _fees(engine, case_id) == []
        state = await handle.execute_update(ReturnCaseWorkflow.record_embassy_answer,
                                            _answer(ref, day, "60.00", "eur"))
        assert state.stage == Stage.CLEARANCE
        # The timeline entry and the fee are written by activities after the update answers:
        # wait for them while the worker still runs (under load they come a moment later).
        for _ in range(100):
            if FEE_ENTRY in _summaries(engine, case_id) and _fees(engine, case_id):
                break
            await asyncio.sleep(0.1)
    assert FEE_ENTRY in _summaries(engine, case_id)
    [(description, amount)] = _fees(engine, case_id)
    assert amount == Decimal("60.00")
    assert ref in description and "2 person(s)" in description


async def test_in_simulator_mode_the_simulated_fee_stays_the_only_one(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    sims = clients()
    async with build_worker(time_env.client, settings, engine, clients=sims):
        handle = await _requested(time_env, settings, engine)
        state = await handle.query(ReturnCaseWorkflow.state)
        embassy: SimulatedEmbassy = sims.embassy  # type: ignore[assignment]
        assert len(embassy.requests) == 1
        day = await today(time_env)
        state = await handle.execute_update(
            ReturnCaseWorkflow.record_embassy_answer,
            _answer(state.documents.request_ref or "", day, "60.00", "EUR"))
        assert state.stage == Stage.CLEARANCE
    # The request's fee is booked once, under the request's key: the simulator's 2 x 45.00.
    assert [a for _, a in _fees(engine, state.case_id)] == [Decimal("90.00")]
