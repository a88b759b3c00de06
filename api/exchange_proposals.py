"""Cases another Homeward installation proposes to this one before departure (docs/exchange.md,
version 2), on the receiving side.

``case.proposed`` and ``case.pre_arrival`` open (once per sender and conversation) this
installation's own case row, the one its handover later takes over (api/exchange_inbox), with
the household and the needs assessment it may see under the returnee's consent, and an
``ExchangeProposal`` for its staff to answer; each pre-arrival package updates the travel;
``case.withdrawn`` (another partner chosen there, or the case closed before departure)
closes it as a decline does.
The staff's answer goes back as ``proposal.answered``, which the sending side takes as its
partner's accept/decline decision. Until the handover the case has no workflow here: the
returnee has not left, there is nothing for this side to run yet.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from fastapi import HTTPException
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.service import RPCError

from activities.exchange_outbox import enqueue, message_id_for, start_delivery
from api.need_to_know import hide
from core.settings import Settings
from models.enums import CaseStatus, Relationship, Stage
from models.exchange import (
    Direction,
    Envelope,
    ExchangeLink,
    ExchangeProposal,
    MessageType,
    ProposalStatus,
)
from models.external import PartnerPackage, PartnerTravel
from models.partners import NeedsAssessment, Partner
from models.people import Actor
from models.schemas_partners import PartnerAnswerIn
from models.tables import Case, HouseholdMember

log = structlog.get_logger(__name__)

# The receiving case's stage while only proposed: the returnee is still to travel.
PROPOSED_STAGE = Stage.TRAVEL


def sync_household(session: Session, case: Case, package: PartnerPackage) -> None:
    """The household as the sender last sent it (consent-filtered there): for a case only
    proposed (no workflow yet), the members are replaced by the package's."""
    for member in session.exec(
        select(HouseholdMember).where(HouseholdMember.case_id == case.id)
    ).all():
        session.delete(member)
    session.flush()
    add_household(session, case, package)


def add_household(session: Session, case: Case, package: PartnerPackage) -> None:
    """The package's household as this side's members of the case (principal first)."""
    ordered = sorted(package.household, key=lambda p: p.relationship != Relationship.PRINCIPAL)
    for position, person in enumerate(ordered):
        session.add(HouseholdMember(
            id=str(uuid.uuid4()), case_id=case.id, position=position,
            relationship=person.relationship, given_name=person.given_name,
            family_name=person.family_name, date_of_birth=person.date_of_birth,
            sex=person.sex, nationality=package.country_of_origin,
            vulnerabilities=list(person.vulnerabilities),
        ))


def record(session: Session, case: Case, partner: Partner, envelope: Envelope,
           package: PartnerPackage) -> None:
    """Apply a ``case.proposed`` or ``case.pre_arrival`` to the case row it opened (the
    caller commits). A case already handed over (its workflow runs) takes no more of them."""
    if case.stage != PROPOSED_STAGE:
        return
    now = datetime.now(UTC)
    proposal = session.get(ExchangeProposal, case.id)
    if proposal is None:
        proposal = ExchangeProposal(case_id=case.id, partner_id=partner.id,
                                    conversation_id=envelope.conversation_id, proposed_at=now)
    elif envelope.type == MessageType.PROPOSED and proposal.status != ProposalStatus.PENDING:
        # Proposed again after an answer (the sender chose this side once more): a new round.
        proposal.status, proposal.reason = ProposalStatus.PENDING, None
        proposal.answered_by = proposal.answered_at = None
        proposal.proposed_at = now
    if envelope.type == MessageType.PRE_ARRIVAL and package.travel is not None:
        proposal.travel = package.travel.model_dump(mode="json")
        proposal.travel_reason = (package.reason or "first")[:40]
        proposal.packages += 1
        case.departure_date = package.travel.departure_date
    proposal.updated_at = now
    session.add(proposal)
    if proposal.status == ProposalStatus.PENDING:
        case.status = CaseStatus.ACTIVE
    case.updated_at = now
    case.destination_city = package.destination_city
    case.preferred_language = package.preferred_language
    session.add(case)
    sync_household(session, case, package)
    if package.needs is not None:
        needs = session.get(NeedsAssessment, case.id) or NeedsAssessment(
            case_id=case.id, recorded_by=f"exchange:{partner.id}")
        needs.wants_to_do, needs.skills = package.needs.wants_to_do, package.needs.skills
        needs.health, needs.housing = package.needs.health, package.needs.housing
        needs.recorded_by, needs.recorded_at = f"exchange:{partner.id}", now
        session.add(needs)


def close(session: Session, case: Case, now: datetime) -> None:
    """A proposed case this side will not receive (declined here, or withdrawn by the
    sender): closed, anonymised with the closed cases after the retention period counted
    from now; a new proposal reopens it (``record``). The caller commits."""
    case.status, case.updated_at = CaseStatus.CLOSED, now
    session.add(case)


def withdraw(session: Session, case: Case, partner: Partner, reason: str) -> bool:
    """The sender withdrew its proposal (``case.withdrawn``): while the case is only
    proposed, the proposal is marked withdrawn (not answerable any more) and the case closed
    as a decline closes it; the caller commits. A case handed over already (its workflow
    runs) or a proposal declined here already is left as it is: returns False."""
    proposal = session.get(ExchangeProposal, case.id)
    if (proposal is None or case.stage != PROPOSED_STAGE
            or proposal.status in (ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN)):
        return False
    now = datetime.now(UTC)
    proposal.status, proposal.reason = ProposalStatus.WITHDRAWN, reason
    proposal.answered_by, proposal.answered_at = f"exchange:{partner.id}", now
    proposal.updated_at = now
    session.add(proposal)
    close(session, case, now)
    return True


@dataclass
class ProposedCase:
    """One row of the receiving staff's list: ids and facts (names are on the case page)."""

    case_id: str
    reference: str
    partner_id: str
    status: ProposalStatus
    reason: str | None
    destination_city: str | None
    preferred_language: str | None
    household_size: int
    travel: PartnerTravel | None
    travel_reason: str | None
    packages: int
    proposed_at: datetime
    answered_at: datetime | None
    answered_by: str | None
    handed_over: bool

    def as_json(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in vars(self).items() if k != "travel"},
            "travel": self.travel.model_dump(mode="json") if self.travel else None,
        }


def proposed_cases(session: Session, actor: Actor,
                   status: ProposalStatus | None = None) -> list[ProposedCase]:
    """The cases proposed to this installation, newest first (need to know applies)."""
    query = (select(ExchangeProposal, Case)
             .join(Case, col(Case.id) == col(ExchangeProposal.case_id))
             .order_by(col(ExchangeProposal.proposed_at).desc()))
    if status is not None:
        query = query.where(ExchangeProposal.status == status)
    query = hide(query, actor, col(Case.id))
    rows = session.exec(query).all()
    sizes: dict[str, int] = {}
    for member_case in session.exec(
        select(HouseholdMember.case_id)
        .where(col(HouseholdMember.case_id).in_([c.id for _, c in rows]))
    ).all():
        sizes[member_case] = sizes.get(member_case, 0) + 1
    return [
        ProposedCase(
            case_id=c.id, reference=c.reference, partner_id=p.partner_id, status=p.status,
            reason=p.reason, destination_city=c.destination_city,
            preferred_language=c.preferred_language, household_size=sizes.get(c.id, 0),
            travel=PartnerTravel.model_validate(p.travel) if p.travel else None,
            travel_reason=p.travel_reason, packages=p.packages, proposed_at=p.proposed_at,
            answered_at=p.answered_at, answered_by=p.answered_by,
            handed_over=c.stage != PROPOSED_STAGE,
        )
        for p, c in rows
    ]


async def answer(engine: Engine, client: Client, settings: Settings, case_id: str,
                 actor: Actor, data: PartnerAnswerIn) -> ExchangeProposal:
    """This side's staff accept the proposed case, or decline it with a reason; the sending
    installation is told (``proposal.answered``, retried until delivered). Answered once per
    proposal: a second answer is refused (409)."""
    with Session(engine, expire_on_commit=False) as session:
        proposal = session.get(ExchangeProposal, case_id)
        link = session.get(ExchangeLink, case_id)
        case = session.get(Case, case_id)
        if proposal is None or link is None or case is None or link.direction != Direction.RECEIVED:
            raise HTTPException(404, f"no case {case_id} proposed by another installation")
        if proposal.status == ProposalStatus.WITHDRAWN:
            raise HTTPException(409, f"the sending installation withdrew the proposal "
                                f"({proposal.reason}): nothing to answer")
        if proposal.status != ProposalStatus.PENDING:
            raise HTTPException(409, f"the proposal was {proposal.status} already")
        if case.stage != PROPOSED_STAGE:
            raise HTTPException(409, "the case was handed over already: nothing to answer")
        now = datetime.now(UTC)
        proposal.status = ProposalStatus.ACCEPTED if data.accept else ProposalStatus.DECLINED
        proposal.reason = data.reason
        proposal.answered_by, proposal.answered_at, proposal.updated_at = actor.id, now, now
        session.add(proposal)
        if not data.accept:
            close(session, case, now)
        message_id = message_id_for(settings.exchange_name, link.partner_id,
                                    link.conversation_id, "answered",
                                    proposal.proposed_at.isoformat())
        enqueue(session, settings, link, MessageType.ANSWERED,
                data.model_dump(mode="json"), message_id)
        session.commit()
    try:
        await start_delivery(client, settings, message_id)
    except RPCError as err:
        # Answered and queued: the workers' sweep starts the delivery.
        log.warning("exchange delivery not started", message_id=message_id, error=str(err))
    log.info("proposal answered", case_id=case_id, accepted=data.accept)
    return proposal
