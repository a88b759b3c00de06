"""The cases this installation receives from another Homeward installation (docs/exchange.md):
its own case for a returnee proposed before departure (``case.proposed``, ``case.pre_arrival``)
or handed over (``case.handover``), opened once per conversation with the household it needs,
under the consent the sender recorded. The handover of a proposed case takes that case over;
its withdrawal (``case.withdrawn``) closes it while it is only proposed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from temporalio.client import Client

from activities.exchange_outbox import enqueue, message_id_for, start_delivery
from api import exchange_proposals
from api.case_service import next_reference, start_case_workflow, workflow_input
from api.exchange_refusals import Refused, problems
from api.project_service import find_project_by_code
from core.settings import Settings
from models.enums import CaseStatus, LegalSituation, LocationType, Stage
from models.exchange import (
    WITHDRAWAL_REASONS,
    Direction,
    Envelope,
    ExchangeLink,
    MessageType,
)
from models.external import PartnerPackage
from models.partners import Partner
from models.payloads import PriorHistory
from models.tables import Case
from workflows.start import state_received

log = structlog.get_logger(__name__)


def find_link(session: Session, partner: Partner, envelope: Envelope,
          direction: Direction) -> ExchangeLink | None:
    return session.exec(
        select(ExchangeLink)
        .where(ExchangeLink.partner_id == partner.id)
        .where(ExchangeLink.conversation_id == envelope.conversation_id)
        .where(ExchangeLink.direction == direction)
    ).first()


async def open_case(engine: Engine, client: Client, settings: Settings, partner: Partner,
                     envelope: Envelope) -> str:
    """This installation's own case for a returnee handed over by another one: the household
    it needs (names, dates of birth, vulnerabilities), at the arrival, with the consent the
    sender recorded. Opened once per conversation; its workflow is started again harmlessly."""
    package, consent, signed_on = _package(envelope)
    with Session(engine, expire_on_commit=False) as session:
        case, opened = _case_for(session, settings, partner, envelope, package, consent,
                                 Stage.ARRIVAL)
        if not opened and case.stage == exchange_proposals.PROPOSED_STAGE:
            # Proposed before departure: the handover takes that case over (one case).
            exchange_proposals.sync_household(session, case, package)
            case.stage, case.status = Stage.ARRIVAL, CaseStatus.ACTIVE
            case.departure_date = package.departed_on
            link = find_link(session, partner, envelope, Direction.RECEIVED)
            if link is not None:
                link.consent = consent
                session.add(link)
            session.add(case)
            session.commit()
        data = workflow_input(session, case, settings)
    prior = PriorHistory(
        stage=Stage.ARRIVAL, intake_date=case.created_at.date(), consent_signed_on=signed_on,
        departed_on=package.departed_on, partner_id=partner.id,
        recorded_by=f"exchange:{partner.id}",
    )
    state = state_received(data, prior, f"exchange:{envelope.message_id}", datetime.now(UTC))
    await start_case_workflow(client, settings, case, data.model_copy(update={"state": state}))
    with Session(engine) as session:
        link = find_link(session, partner, envelope, Direction.RECEIVED)
        assert link is not None
        accepted = message_id_for(settings.exchange_name, partner.id,
                                  envelope.conversation_id, "accepted")
        enqueue(session, settings, link, MessageType.ACCEPTED,
                {"reference": case.reference}, accepted)
        session.commit()
    await start_delivery(client, settings, accepted)  # started again harmlessly
    return case.id


def _package(envelope: Envelope) -> tuple[PartnerPackage, dict[str, Any], date]:
    """The package of a handover, proposal or pre-arrival message, under the consent it was
    sent with (refused without the partner-sharing consent, or without the returnee)."""
    consent = envelope.body.get("consent") or {}
    if consent.get("share_with_partner") is not True or not consent.get("declaration_signed_on"):
        raise Refused(422, "no_consent",
                      "a case is sent only with the returnee's consent to share with the partner")
    try:
        package = PartnerPackage.model_validate(envelope.body.get("package"))
        signed_on = date.fromisoformat(consent["declaration_signed_on"])
    except ValidationError as err:
        raise Refused(422, "bad_body", problems(err)) from err
    except (ValueError, TypeError, KeyError):
        raise Refused(422, "bad_body", "consent.declaration_signed_on: a date") from None
    if not package.household:
        raise Refused(422, "bad_body", "package.household: at least the returnee")
    if envelope.type == MessageType.PRE_ARRIVAL and package.travel is None:
        raise Refused(422, "bad_body", "package.travel: a pre-arrival package has the travel")
    return package, consent, signed_on


def record_proposal(engine: Engine, settings: Settings, partner: Partner,
                     envelope: Envelope) -> str:
    """A case proposed before departure (or its pre-arrival package): recorded on this side's
    own case for it, opened once per conversation (the handover later takes it over)."""
    package, consent, _ = _package(envelope)
    with Session(engine, expire_on_commit=False) as session:
        case, _ = _case_for(session, settings, partner, envelope, package, consent,
                            exchange_proposals.PROPOSED_STAGE)
        exchange_proposals.record(session, case, partner, envelope, package)
        link = find_link(session, partner, envelope, Direction.RECEIVED)
        if link is not None and case.stage == exchange_proposals.PROPOSED_STAGE:
            link.consent = consent  # as the sender last recorded it
            session.add(link)
        session.commit()
        return case.id


def record_withdrawal(engine: Engine, partner: Partner, envelope: Envelope) -> str:
    """The sender withdrew the case it proposed (``case.withdrawn``: another partner chosen
    there, or its case closed before departure): a case only proposed here closes, its
    proposal withdrawn; one handed over already changes nothing (logged)."""
    reason = envelope.body.get("reason")
    if reason not in WITHDRAWAL_REASONS:
        raise Refused(422, "bad_body", f"reason: one of {', '.join(WITHDRAWAL_REASONS)}")
    with Session(engine) as session:
        link = find_link(session, partner, envelope, Direction.RECEIVED)
        case = session.get(Case, link.case_id) if link is not None else None
        if link is None or case is None:
            raise Refused(422, "unknown_conversation",
                          f"no case proposed by {partner.id} as {envelope.conversation_id}")
        if exchange_proposals.withdraw(session, case, partner, str(reason)):
            session.commit()
            log.info("proposal withdrawn by the sender", case_id=case.id, reason=reason)
        else:
            log.info("withdrawal of a case handed over or answered already: nothing changes",
                     case_id=case.id, stage=str(case.stage), reason=reason)
        return case.id


def _case_for(session: Session, settings: Settings, partner: Partner, envelope: Envelope,
              package: PartnerPackage, consent: dict[str, Any], stage: Stage
              ) -> tuple[Case, bool]:
    """This side's case for the conversation, and whether it was opened now (at ``stage``)."""
    external_ref = f"{partner.id}:{envelope.conversation_id}"
    case = session.exec(select(Case).where(Case.external_ref == external_ref)).first()
    if case is not None:
        return case, False
    return _insert_case(session, settings, partner, envelope, package, consent, external_ref,
                        stage), True


def _insert_case(session: Session, settings: Settings, partner: Partner, envelope: Envelope,
                 package: PartnerPackage, consent: dict[str, Any], external_ref: str,
                 stage: Stage) -> Case:
    project = find_project_by_code(
        session, settings.exchange_project_code or settings.default_project_code)
    if project is None:
        raise Refused(503, "not_configured", "this installation has no project for received "
                      "cases (HOMEWARD_EXCHANGE_PROJECT_CODE)")
    now = datetime.now(UTC)
    case = Case(
        id=str(uuid.uuid4()),
        reference=next_reference(session, settings.office_code, now.year),
        project_id=project.id, stage=stage, status=CaseStatus.ACTIVE,
        country_of_origin=package.country_of_origin,
        # Not sent (the receiving side does not need them): recorded as unknown.
        legal_situation=LegalSituation.OTHER, location_type=LocationType.COMMUNITY,
        preferred_language=package.preferred_language,
        destination_city=package.destination_city, departure_date=package.departed_on,
        external_ref=external_ref, partner_id=partner.id,
    )
    session.add(case)
    session.flush()
    exchange_proposals.add_household(session, case, package)
    session.add(ExchangeLink(
        case_id=case.id, partner_id=partner.id, conversation_id=envelope.conversation_id,
        direction=Direction.RECEIVED, consent=consent,
    ))
    session.commit()
    return case
