"""Embassies of countries of origin: emergency travel document requests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.booking import refuse_other_currency
from activities.costs import book_lines_async
from activities.simulation import Clock, Simulator, SimulatorConfig, refusal, simulates
from models.consent import Purpose, may_send
from models.enums import CostCategory
from models.external import (
    EMBASSY_REFUSED,
    ChaseDocumentRequest,
    DocumentFeeInput,
    DocumentRequest,
    DocumentRequestResult,
    WithdrawDocumentRequest,
)
from models.funding import CostLine


class EmbassyClient(Protocol):
    async def request_document(self, data: DocumentRequest) -> DocumentRequestResult: ...
    async def withdraw_request(self, data: WithdrawDocumentRequest) -> None: ...
    async def chase_request(self, data: ChaseDocumentRequest) -> None: ...


DOCUMENT_FEE = Decimal("45.00")  # an emergency travel document, per person


def document_fee_key(request_key: str) -> str:
    """One document fee per request, whoever books it (the simulator, or staff recording
    the fee the embassy charged)."""
    return f"{request_key}:document_fee"


class SimulatedEmbassy(Simulator):
    """Files requests by request key (a retry files nothing twice); may refuse at once."""

    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.requests: dict[str, DocumentRequestResult] = {}
        self.withdrawn: list[str] = []
        self.chased: list[tuple[str, int]] = []  # (request ref, reminder)

    async def request_document(self, data: DocumentRequest) -> DocumentRequestResult:
        await self.call("embassy")
        if data.request_key in self.requests:
            return self.requests[data.request_key]
        if self.refuses():
            raise refusal(
                f"embassy of {data.country_of_origin} refuses: identity not established",
                EMBASSY_REFUSED,
            )
        result = DocumentRequestResult(
            request_ref=self.reference(f"ETD-{data.country_of_origin}"),
            fee=len(data.member_ids) * self.price("document_fee", DOCUMENT_FEE),
        )
        self.requests[data.request_key] = result
        return result

    async def withdraw_request(self, data: WithdrawDocumentRequest) -> None:
        await self.call("embassy")
        if data.request_ref not in self.withdrawn:
            self.withdrawn.append(data.request_ref)

    async def chase_request(self, data: ChaseDocumentRequest) -> None:
        await self.call("embassy")
        if (data.request_ref, data.reminder) not in self.chased:
            self.chased.append((data.request_ref, data.reminder))


def embassy_withheld(engine: Engine, member_ids: list[str]) -> int:
    """How many of the persons may not be named to the embassy (models/consent.py's rule;
    the household's consent to share with the authorities, which the workflow requires
    before any request, covers those without a statement of their own)."""
    with Session(engine) as session:
        return len(may_send(session, Purpose.EMBASSY, member_ids, True).withheld)


class EmbassyActivities:
    def __init__(self, client: EmbassyClient, engine: Engine | None = None) -> None:
        self._client = client
        self._engine = engine  # the cost ledger's database

    @activity.defn(name="request_travel_document")
    async def request_travel_document(self, data: DocumentRequest) -> DocumentRequestResult:
        """Ask the embassy for an emergency travel document and book its fee (once per
        request key); a refusal is not retried and costs nothing. Nothing is sent about a person whose consent to share with the embassy
        is refused or withdrawn: the request is refused here, with that reason, and the case's
        documents step waits for a decision (never sent silently without them)."""
        if self._engine is not None:
            withheld = await asyncio.to_thread(embassy_withheld, self._engine, data.member_ids)
            if withheld:
                raise ApplicationError(
                    f"not sent: consent to share with the embassy is refused or withdrawn for "
                    f"{withheld} person(s); record their consent, or decide on the documents",
                    type=EMBASSY_REFUSED, non_retryable=True)
        result = await self._client.request_document(data)
        if result.fee is not None:
            await book_lines_async(self._engine, [CostLine(
                key=document_fee_key(data.request_key), case_id=data.case_id,
                category=CostCategory.DOCUMENT_FEE, amount=result.fee,
                incurred_on=datetime.now(UTC).date(),
                description=f"travel document fee for {len(data.member_ids)} person(s), "
                f"request {result.request_ref}",
                simulated=simulates(self._client),
            )])
        return result

    @activity.defn(name="withdraw_travel_document_request")
    async def withdraw_travel_document_request(self, data: WithdrawDocumentRequest) -> None:
        """Compensation: tell the embassy the request is no longer needed."""
        await self._client.withdraw_request(data)

    @activity.defn(name="chase_travel_document_request")
    async def chase_travel_document_request(self, data: ChaseDocumentRequest) -> None:
        """Remind the embassy of a request it has not answered (once per reminder number)."""
        await self._client.chase_request(data)

    @activity.defn(name="book_document_fee")
    async def book_document_fee(self, data: DocumentFeeInput) -> None:
        """The fee staff recorded with the embassy's answer, booked as the document fee under
        the request's key: a retry books nothing twice, nor does a fee the simulator already
        booked for the request. A fee in another currency than the project's is refused,
        never converted."""
        if self._engine is None:
            return
        await refuse_other_currency(self._engine, data.case_id, data.currency, "fee")
        await book_lines_async(self._engine, [CostLine(
            key=data.key, case_id=data.case_id, category=CostCategory.DOCUMENT_FEE,
            amount=data.fee, incurred_on=datetime.now(UTC).date(),
            description=f"travel document fee for {data.persons} person(s), request "
            f"{data.request_ref} (charged by the embassy)",
        )])
