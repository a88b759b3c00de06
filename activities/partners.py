"""Reintegration partners: how a package reaches one (the ``PartnersClient``s): a signed HTTP
webhook, Homeward's own partner page (the portal), or simulated.

The activities (activities/partner_activities.py) read the partner and what it needs (names,
dates of birth, vulnerabilities of the household; never passport numbers, legal situation or
place of stay) from the database and deliver it through one of these. The workflow only
learns the partner's id and receipt reference.

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
from typing import Protocol

import httpx
import structlog
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from activities.notifications import NotificationsClient
from activities.simulation import Clock, ServiceUnavailable, Simulator, SimulatorConfig
from models.enums import Role
from models.external import (
    Mail,
    PartnerPackage,
)
from models.partners import PartnerDelivery

log = structlog.get_logger(__name__)
PARTNER_REJECTED = "PartnerRejected"


class PartnerEndpoint(BaseModel):
    id: str
    webhook_url: str | None = None
    webhook_secret: str | None = None
    contact_email: str | None = None


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


class PortalPartners:
    """Partners working on Homeward's own partner page (HOMEWARD_PARTNERS=portal): the
    package is recorded for the partner's page (once per key) and the partner is told by
    e-mail, which names the case's reference only."""

    def __init__(self, engine: Engine, mail: NotificationsClient) -> None:
        self._engine = engine
        self._mail = mail

    async def deliver(self, endpoint: PartnerEndpoint, package: PartnerPackage, key: str) -> str:
        reference = "PORTAL-" + hashlib.sha256(key.encode()).hexdigest()[:12].upper()
        with Session(self._engine) as session:
            if session.get(PartnerDelivery, key) is not None:
                return reference
        if endpoint.contact_email:
            what = "pre-arrival package" if package.kind == "pre_arrival" else "handover"
            again = f" ({package.reason})" if package.reason and package.reason != "first" else ""
            await self._mail.send(
                Mail(
                    to=[endpoint.contact_email],
                    subject=f"{package.reference}: {what}{again}",
                    body=f"A {what}{again} for case {package.reference} is on your Homeward "
                    "partner page (/ui/partner). Please accept or decline the case there.",
                    case_id=package.case_id,
                    recipient_role=Role.PARTNER,
                )
            )
        with Session(self._engine) as session:
            session.add(
                PartnerDelivery(
                    key=key,
                    case_id=package.case_id,
                    partner_id=endpoint.id,
                    kind=package.kind,
                    package=package.model_dump(mode="json"),
                )
            )
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # a concurrent retry recorded it first
        return reference
