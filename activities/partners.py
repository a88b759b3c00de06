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
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.notifications import NotificationsClient
from activities.partner_package import build_package, partner_for, partners_serving
from activities.simulation import Clock, ServiceUnavailable, Simulator, SimulatorConfig
from models.consent import Purpose
from models.enums import Role
from models.exchange import PartnerKind
from models.external import (
    NO_PARTNER,
    HandoverRequest,
    HandoverResult,
    Mail,
    PartnerChoiceCheck,
    PartnerChoiceVerdict,
    PartnerPackage,
    PreArrivalRequest,
    PreArrivalResult,
    ProposalRequest,
    ProposalResult,
    WithdrawalRequest,
    WithdrawalResult,
)
from models.partners import Partner, PartnerDelivery

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


def endpoint_of(partner: Partner) -> PartnerEndpoint:
    return PartnerEndpoint(
        id=partner.id,
        webhook_url=partner.webhook_url,
        webhook_secret=partner.webhook_secret,
        contact_email=partner.contact_email,
    )


class PartnerActivities:
    def __init__(self, client: PartnersClient, engine: Engine, exchange: Any = None) -> None:
        self._client = client
        self._engine = engine
        # activities/exchange.Exchange: the handover to a partner of kind "homeward".
        self._exchange = exchange

    @activity.defn(name="hand_over_to_partner")
    async def hand_over(self, data: HandoverRequest) -> HandoverResult:
        with Session(self._engine) as session:
            if data.partner_id is not None:
                partner = session.get(Partner, data.partner_id)
                partner = partner if partner is not None and partner.active else None
            else:
                partner = partner_for(session, data.country_of_origin)
            if partner is None:
                raise ApplicationError(
                    f"no active reintegration partner for country {data.country_of_origin}"
                    if data.partner_id is None
                    else f"partner {data.partner_id} is not an active reintegration partner",
                    type=NO_PARTNER,
                    non_retryable=True,
                )
            homeward = partner.kind == PartnerKind.HOMEWARD
            package = build_package(
                session, data.case_id, kind="handover", travel=data.travel,
                purpose=Purpose.INSTALLATION if homeward else Purpose.PARTNER,
                departed_on=data.departed_on,
            )
            endpoint = endpoint_of(partner)
        if homeward and self._exchange is not None:
            # Another Homeward installation: the exchange (docs/exchange.md) delivers it.
            reference = await self._exchange.hand_over(endpoint.id, package, data.handover_key)
        else:
            reference = await self._client.deliver(endpoint, package, data.handover_key)
        log.info("case handed over", partner_id=endpoint.id)
        return HandoverResult(partner_id=endpoint.id, partner_ref=reference)

    @activity.defn(name="send_pre_arrival_package")
    async def send_pre_arrival(self, data: PreArrivalRequest) -> PreArrivalResult:
        """The pre-arrival package to the chosen partner (first, then on every change)."""
        with Session(self._engine) as session:
            partner = session.get(Partner, data.partner_id)
            if partner is None or not partner.active:
                raise ApplicationError(
                    f"partner {data.partner_id} is not an active reintegration partner",
                    type=NO_PARTNER,
                    non_retryable=True,
                )
            homeward = partner.kind == PartnerKind.HOMEWARD
            package = build_package(
                session, data.case_id, kind="pre_arrival", reason=data.reason,
                travel=data.travel,
                purpose=Purpose.INSTALLATION if homeward else Purpose.PARTNER,
            )
            endpoint = endpoint_of(partner)
        if homeward and self._exchange is not None:
            # Another Homeward installation: ``case.pre_arrival`` (docs/exchange.md, v2).
            reference = await self._exchange.send_pre_arrival(endpoint.id, package, data.key)
        else:
            reference = await self._client.deliver(endpoint, package, data.key)
        log.info("pre-arrival package sent", partner_id=endpoint.id, reason=data.reason)
        return PreArrivalResult(partner_ref=reference)

    @activity.defn(name="propose_case_to_partner")
    async def propose(self, data: ProposalRequest) -> ProposalResult:
        """The chosen partner, once offered the case: another Homeward installation is sent
        ``case.proposed`` (docs/exchange.md, v2) with what it may see under the consent;
        any other partner was told by the reminder and is sent nothing here."""
        with Session(self._engine) as session:
            partner = session.get(Partner, data.partner_id)
            if partner is None or partner.kind != PartnerKind.HOMEWARD or self._exchange is None:
                return ProposalResult()
            if not partner.active:
                return ProposalResult(refusal=f"partner {partner.id} is not active")
            package = build_package(session, data.case_id, kind="proposal",
                                    purpose=Purpose.INSTALLATION)
        try:
            reference = await self._exchange.propose(partner.id, package, data.key)
        except ApplicationError as err:
            if err.type != PARTNER_REJECTED:
                raise
            return ProposalResult(refusal=err.message)
        log.info("case proposed to another installation", partner_id=partner.id)
        return ProposalResult(partner_ref=reference)

    @activity.defn(name="withdraw_case_from_partner")
    async def withdraw(self, data: WithdrawalRequest) -> WithdrawalResult:
        """The partner offered the case no longer gets it: another Homeward installation
        that was sent the proposal is sent ``case.withdrawn`` (docs/exchange.md, v2) with
        the reason code; any other partner is sent nothing (as with the proposal)."""
        with Session(self._engine) as session:
            partner = session.get(Partner, data.partner_id)
            if partner is None or partner.kind != PartnerKind.HOMEWARD or self._exchange is None:
                return WithdrawalResult()
        reference = await self._exchange.withdraw(partner.id, data.case_id, data.reason,
                                                  data.key)
        if reference is not None:
            log.info("proposal withdrawn from another installation", partner_id=partner.id,
                     reason=data.reason)
        return WithdrawalResult(partner_ref=reference)

    @activity.defn(name="check_partner_choice")
    async def check_choice(self, data: PartnerChoiceCheck) -> PartnerChoiceVerdict:
        """Whether the partner chosen for a case is active and serves its destination."""
        with Session(self._engine) as session:
            serving = partners_serving(session, data.country, data.region)
        if any(p.id == data.partner_id for p in serving):
            return PartnerChoiceVerdict(ok=True)
        names = ", ".join(p.id for p in serving) or "none"
        where = f"{data.country}" + (f" ({data.region})" if data.region else "")
        return PartnerChoiceVerdict(
            ok=False,
            refusal=f"partner {data.partner_id} is not an active partner serving {where}; "
            f"those serving it: {names}",
            serving=[p.id for p in serving],
        )
