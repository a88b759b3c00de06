"""Embassies of countries of origin: emergency travel document requests."""

from __future__ import annotations

from typing import Protocol

from temporalio import activity

from activities.simulation import Clock, Simulator, SimulatorConfig, refusal
from models.external import (
    EMBASSY_REFUSED,
    DocumentRequest,
    DocumentRequestResult,
    WithdrawDocumentRequest,
)


class EmbassyClient(Protocol):
    async def request_document(self, data: DocumentRequest) -> DocumentRequestResult: ...
    async def withdraw_request(self, data: WithdrawDocumentRequest) -> None: ...


class SimulatedEmbassy(Simulator):
    """Files requests by request key (a retry files nothing twice); may refuse at once."""

    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.requests: dict[str, DocumentRequestResult] = {}
        self.withdrawn: list[str] = []

    async def request_document(self, data: DocumentRequest) -> DocumentRequestResult:
        await self.call("embassy")
        if data.request_key in self.requests:
            return self.requests[data.request_key]
        if self.refuses():
            raise refusal(
                f"embassy of {data.country_of_origin} refuses: identity not established",
                EMBASSY_REFUSED,
            )
        result = DocumentRequestResult(request_ref=self.reference(f"ETD-{data.country_of_origin}"))
        self.requests[data.request_key] = result
        return result

    async def withdraw_request(self, data: WithdrawDocumentRequest) -> None:
        await self.call("embassy")
        if data.request_ref not in self.withdrawn:
            self.withdrawn.append(data.request_ref)


class EmbassyActivities:
    def __init__(self, client: EmbassyClient) -> None:
        self._client = client

    @activity.defn(name="request_travel_document")
    async def request_travel_document(self, data: DocumentRequest) -> DocumentRequestResult:
        """Ask the embassy for an emergency travel document; a refusal is not retried."""
        return await self._client.request_document(data)

    @activity.defn(name="withdraw_travel_document_request")
    async def withdraw_travel_document_request(self, data: WithdrawDocumentRequest) -> None:
        """Compensation: tell the embassy the request is no longer needed."""
        await self._client.withdraw_request(data)
