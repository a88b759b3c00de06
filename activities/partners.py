"""Reintegration partners: the handover of a case, as a signed HTTP webhook or simulated.

The activity reads the partner for the case's country and what that partner needs (names,
dates of birth, vulnerabilities of the household; never passport numbers, legal situation or
place of stay) from the database and delivers it. The workflow only learns the partner's id
and receipt reference.

Webhook protocol (``WebhookPartners``): ``POST <webhook_url>`` with the JSON package and
headers ``Idempotency-Key`` (stable per handover: a retried delivery is the same delivery),
``X-Homeward-Timestamp`` (Unix seconds) and ``X-Homeward-Signature: sha256=<hex>``, the
HMAC-SHA256 under the partner's secret of ``"<timestamp>.<body>"``. A 2xx answer with JSON
``{"reference": "..."}`` is a receipt; 5xx, 408, 429 and network errors are retried; any
other 4xx is a rejection a caseworker must look at (not retried).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Protocol

import httpx
import structlog
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.simulation import Clock, ServiceUnavailable, Simulator, SimulatorConfig
from models.consent import Purpose, may_send
from models.exchange import PartnerKind
from models.external import (
    NO_PARTNER,
    HandoverRequest,
    HandoverResult,
    PartnerPackage,
    PartnerTraveller,
)
from models.partners import Partner
from models.tables import Case, HouseholdMember

log = structlog.get_logger(__name__)
PARTNER_REJECTED = "PartnerRejected"


class PartnerEndpoint(BaseModel):
    id: str
    webhook_url: str | None = None
    webhook_secret: str | None = None


class PartnersClient(Protocol):
    async def deliver(self, endpoint: PartnerEndpoint, package: PartnerPackage, key: str) -> str:
        """Deliver the handover package; returns the partner's reference for it."""
        ...


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, max_age: int = 300) -> bool:
    """What a partner's endpoint checks: the signature, and that the message is recent."""
    if abs(time.time() - int(timestamp)) > max_age:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class SimulatedPartners(Simulator):
    """Partners that receive handovers in memory, once per idempotency key."""

    def __init__(self, config: SimulatorConfig | None = None, clock: Clock | None = None) -> None:
        super().__init__(config, clock)
        self.received: dict[str, tuple[str, PartnerPackage, str]] = {}

    async def deliver(self, endpoint: PartnerEndpoint, package: PartnerPackage, key: str) -> str:
        await self.call("partners")
        if key in self.received:
            return self.received[key][2]
        reference = self.reference("RIP")
        self.received[key] = (endpoint.id, package, reference)
        return reference


class WebhookPartners:
    """Posts the package to the partner's webhook URL, signed with the partner's secret."""

    def __init__(self, timeout_seconds: float = 30.0) -> None:
        self._timeout = timeout_seconds

    async def deliver(self, endpoint: PartnerEndpoint, package: PartnerPackage, key: str) -> str:
        if not endpoint.webhook_url or not endpoint.webhook_secret:
            raise ApplicationError(
                f"partner {endpoint.id} has no webhook URL or secret configured",
                type=PARTNER_REJECTED,
                non_retryable=True,
            )
        body = package.model_dump_json().encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": key,
            "X-Homeward-Timestamp": timestamp,
            "X-Homeward-Signature": sign(endpoint.webhook_secret, timestamp, body),
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as http:
                response = await http.post(endpoint.webhook_url, content=body, headers=headers)
        except httpx.HTTPError as err:
            raise ServiceUnavailable(f"partner {endpoint.id} unreachable: {err!r}") from err
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise ServiceUnavailable(f"partner {endpoint.id} answered {response.status_code}")
        if response.status_code >= 400:
            raise ApplicationError(
                f"partner {endpoint.id} rejected the handover ({response.status_code})",
                type=PARTNER_REJECTED,
                non_retryable=True,
            )
        try:
            return str(response.json()["reference"])
        except (ValueError, KeyError, TypeError) as err:
            raise ServiceUnavailable(f"partner {endpoint.id} sent no reference") from err


def partner_for(session: Session, country: str) -> Partner | None:
    query = (
        select(Partner)
        .where(Partner.country == country)
        .where(col(Partner.active).is_(True))
        .order_by(col(Partner.id))
    )
    return session.exec(query).first()


class PartnerActivities:
    def __init__(self, client: PartnersClient, engine: Engine, exchange: Any = None) -> None:
        self._client = client
        self._engine = engine
        # activities/exchange.Exchange: the handover to a partner of kind "homeward".
        self._exchange = exchange

    @activity.defn(name="hand_over_to_partner")
    async def hand_over(self, data: HandoverRequest) -> HandoverResult:
        with Session(self._engine) as session:
            partner = partner_for(session, data.country_of_origin)
            if partner is None:
                raise ApplicationError(
                    f"no active reintegration partner for country {data.country_of_origin}",
                    type=NO_PARTNER,
                    non_retryable=True,
                )
            case = session.get(Case, data.case_id)
            if case is None:
                raise ApplicationError(f"case {data.case_id} not found", non_retryable=True)
            members = session.exec(
                select(HouseholdMember)
                .where(HouseholdMember.case_id == data.case_id)
                .order_by(col(HouseholdMember.position))
            ).all()
            # Only the persons whose consent to share with the partner is in force (each one's
            # own; without one, the household's, under which alone the workflow hands over).
            # A partner that is the receiving country's own installation is that purpose.
            homeward = partner.kind == PartnerKind.HOMEWARD
            purpose = Purpose.INSTALLATION if homeward else Purpose.PARTNER
            sharing = may_send(session, purpose, [m.id for m in members], True)
            members = [m for m in members if m.id in sharing.allowed]
            package = PartnerPackage(
                case_id=case.id,
                reference=case.reference,
                country_of_origin=case.country_of_origin,
                destination_city=case.destination_city,
                departed_on=data.departed_on,
                preferred_language=case.preferred_language,
                household=[
                    PartnerTraveller(
                        given_name=m.given_name,
                        family_name=m.family_name,
                        date_of_birth=m.date_of_birth,
                        sex=m.sex,
                        relationship=m.relationship,
                        vulnerabilities=list(m.vulnerabilities),
                    )
                    for m in members
                ],
            )
            endpoint = PartnerEndpoint(
                id=partner.id,
                webhook_url=partner.webhook_url,
                webhook_secret=partner.webhook_secret,
            )
        if homeward and self._exchange is not None:
            # Another Homeward installation: the exchange (docs/exchange.md) delivers it.
            reference = await self._exchange.hand_over(endpoint.id, package, data.handover_key)
        else:
            reference = await self._client.deliver(endpoint, package, data.handover_key)
        log.info("case handed over", partner_id=endpoint.id)
        return HandoverResult(partner_id=endpoint.id, partner_ref=reference)
