"""The fee recorded with the embassy's answer: booked as the document fee once per request
(retries, and a fee the simulator booked for the same request, book nothing more), in the
project's currency or not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.embassy import EmbassyActivities, SimulatedEmbassy, document_fee_key
from activities.simulation import SimulatorConfig
from models.costs import Cost
from models.enums import CostCategory
from models.external import PRICE_CURRENCY_REFUSED, DocumentFeeInput, DocumentRequest
from tests.factories import insert_case

ENV = ActivityEnvironment()


def fee(case_id: str, currency: str = "EUR") -> DocumentFeeInput:
    return DocumentFeeInput(case_id=case_id, key=document_fee_key(f"{case_id}:etd:1"),
                            request_ref="LV-2026-000042/ETD-1", fee=Decimal("60.00"),
                            currency=currency, persons=2)


def fees(engine: Engine, case_id: str) -> list[tuple[CostCategory, Decimal, str]]:
    with Session(engine) as session:
        return [(c.category, c.amount, c.currency)
                for c in session.exec(select(Cost).where(Cost.case_id == case_id))]


async def test_the_recorded_fee_is_the_document_fee_once_however_often_retried(
    engine: Engine,
) -> None:
    case = insert_case(engine)
    activities = EmbassyActivities(SimulatedEmbassy(), engine)
    await ENV.run(activities.book_document_fee, fee(case.id, "eur"))
    await ENV.run(activities.book_document_fee, fee(case.id))  # a retry
    assert fees(engine, case.id) == [(CostCategory.DOCUMENT_FEE, Decimal("60.00"), "EUR")]


async def test_a_fee_in_another_currency_is_refused_and_never_retried(engine: Engine) -> None:
    case = insert_case(engine)
    activities = EmbassyActivities(SimulatedEmbassy(), engine)
    with pytest.raises(ApplicationError) as refused:
        await ENV.run(activities.book_document_fee, fee(case.id, currency="usd"))
    assert refused.value.type == PRICE_CURRENCY_REFUSED and refused.value.non_retryable
    assert "the fee is in USD" in str(refused.value) and "accounts in EUR" in str(refused.value)
    assert fees(engine, case.id) == []


async def test_after_the_simulator_booked_the_request_fee_a_recorded_one_adds_nothing(
    engine: Engine,
) -> None:
    case = insert_case(engine)
    activities = EmbassyActivities(SimulatedEmbassy(SimulatorConfig(seed=1)), engine)
    await ENV.run(activities.request_travel_document, DocumentRequest(
        case_id=case.id, request_key=f"{case.id}:etd:1", country_of_origin="GE",
        member_ids=["m1"]))
    await ENV.run(activities.book_document_fee, fee(case.id))
    assert fees(engine, case.id) == [(CostCategory.DOCUMENT_FEE, Decimal("45.00"), "EUR")]
