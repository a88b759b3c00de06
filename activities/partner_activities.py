"""The partner activities: a case handed over to its reintegration partner, the partner chosen
before departure checked, proposed the case (or told it is withdrawn) and sent the
pre-arrival package. Each reads from the database what the partner needs under the
returnee's consent (activities/partner_package.py) and delivers it through the installation's
``PartnersClient`` (activities/partners.py); a partner that is another Homeward installation
gets the exchange's messages instead (activities/exchange.py). The workflow learns ids and
receipt references only."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.partner_package import build_package, partner_for, partners_serving
from activities.partners import PARTNER_REJECTED, PartnerEndpoint, PartnersClient
from models.consent import Purpose
from models.exchange import PartnerKind
from models.external import (
    NO_PARTNER,
    HandoverRequest,
    HandoverResult,
    PartnerChoiceCheck,
    PartnerChoiceVerdict,
    PreArrivalRequest,
    PreArrivalResult,
    ProposalRequest,
    ProposalResult,
    WithdrawalRequest,
    WithdrawalResult,
)
from models.partners import Partner

log = structlog.get_logger(__name__)


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
