"""The receiving half of the exchange between Homeward installations (docs/exchange.md).

Every message is authenticated (the sender is a partner of kind ``homeward``; the HMAC of
``"<timestamp>.<body>"`` under its secret; a timestamp no older than
``exchange_max_age_seconds``), applied in its conversation's order, and written to the
inbox keyed by its id: received again, it changes nothing.

- ``case.handover`` opens this installation's own reception and reintegration case (its
  workflow, started at the arrival; its staff) and queues ``case.accepted`` back;
- ``case.proposed`` and ``case.pre_arrival`` (version 2, before departure) open, once, this
  installation's own case row for the proposed case, which its staff accept or decline
  (api/exchange_proposals.py); the handover later takes that case over instead of opening
  a second one;
- ``proposal.answered`` is taken on the sending case as its partner's answer (the same
  ``answer_partner_proposal`` as the partner's route);
- ``case.accepted`` is recorded on the sending case (``record_partner_acceptance``);
- the partner's reports (arrival, assistance, plan, delivery, monitoring visit) are taken on
  the sending case by ``api/decisions.take``, as the partner's own routes take them.
"""

from __future__ import annotations

import hmac
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import structlog
from fastapi import HTTPException
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from temporalio.client import Client

from activities.exchange import record_partner_acceptance
from activities.exchange_outbox import enqueue, message_id_for, start_delivery
from activities.partners import sign
from api import exchange_proposals
from api.case_service import next_reference, start_case_workflow, workflow_input
from api.decisions import take
from api.project_service import find_project_by_code
from core.settings import Settings
from models.enums import CaseStatus, LegalSituation, LocationType, Relationship, Role, Stage
from models.exchange import (
    EXCHANGE_VERSION,
    EXCHANGE_VERSIONS,
    REPORTED_UPDATES,
    Direction,
    Envelope,
    ExchangeInbox,
    ExchangeLink,
    MessageType,
    PartnerKind,
)
from models.external import PartnerPackage
from models.partners import Partner
from models.payloads import Actor, PriorHistory
from models.tables import Case, HouseholdMember
from workflows.decision import Decision
from workflows.phases.arrival import CONFIRM_ARRIVAL, RECORD_ASSISTANCE
from workflows.phases.monitoring import REPORT_MONITORING
from workflows.phases.partners import ANSWER_PARTNER
from workflows.phases.reintegration import PROPOSE_PLAN, REPORT_DELIVERY
from workflows.start import state_received

log = structlog.get_logger(__name__)

# The partner's reports, each the decision its partner route takes (workflows/phases).
REPORTS: dict[MessageType, Decision] = {
    REPORTED_UPDATES[d.update]: d
    for d in (CONFIRM_ARRIVAL, RECORD_ASSISTANCE, PROPOSE_PLAN, REPORT_DELIVERY,
              REPORT_MONITORING)
}


def problems(err: ValidationError) -> str:
    """What is wrong, without the values (they may be names): fit for the other side's logs."""
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}"
        for e in err.errors(include_input=False, include_url=False)
    )[:500]


@dataclass
class Refused(Exception):
    """An error answer: ``status`` and a machine-readable ``error`` (docs/exchange.md)."""

    status: int
    error: str
    detail: str


def authenticate(session: Session, settings: Settings, headers: Any, body: bytes,
                 now: float | None = None) -> tuple[Partner, Envelope]:
    """The sender, and its message once its signature and timestamp hold."""
    sender = headers.get("x-homeward-sender", "")
    timestamp = headers.get("x-homeward-timestamp", "")
    signature = headers.get("x-homeward-signature", "")
    partner = session.get(Partner, sender) if sender else None
    if (partner is None or partner.kind != PartnerKind.HOMEWARD or not partner.active
            or not partner.webhook_secret):
        raise Refused(401, "unknown_sender", f"no active Homeward partner '{sender}' here")
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        raise Refused(401, "bad_timestamp", "X-Homeward-Timestamp: Unix seconds") from None
    if age > settings.exchange_max_age_seconds:
        raise Refused(401, "stale_timestamp",
                      f"signed {int(age)} s ago (at most {settings.exchange_max_age_seconds})")
    if not hmac.compare_digest(sign(partner.webhook_secret, timestamp, body), signature):
        raise Refused(401, "bad_signature", "the signature does not match the body")
    try:
        envelope = Envelope.model_validate_json(body)
    except ValidationError as err:
        raise Refused(400, "bad_envelope", problems(err)) from err
    if envelope.exchange_version not in EXCHANGE_VERSIONS:
        raise Refused(400, "unsupported_version",
                      f"exchange_version {envelope.exchange_version}: this side speaks "
                      f"{', '.join(sorted(EXCHANGE_VERSIONS))} (up to {EXCHANGE_VERSION})")
    if envelope.sender != sender or headers.get("idempotency-key") != envelope.message_id:
        raise Refused(400, "bad_envelope",
                      "sender and Idempotency-Key must repeat the envelope's sender, message_id")
    return partner, envelope


async def receive(engine: Engine, client: Client, settings: Settings, headers: Any,
                  body: bytes) -> dict[str, Any]:
    """Apply one message; returns the answer's body, or raises ``Refused``."""
    with Session(engine) as session:
        partner, envelope = authenticate(session, settings, headers, body)
        seen = session.get(ExchangeInbox, envelope.message_id)
        if seen is not None:
            return {"status": "duplicate", "message_id": envelope.message_id}
        if envelope.sequence > 1 and session.exec(
            select(ExchangeInbox)
            .where(ExchangeInbox.partner_id == partner.id)
            .where(ExchangeInbox.conversation_id == envelope.conversation_id)
            .where(ExchangeInbox.sequence == envelope.sequence - 1)
        ).first() is None:
            raise Refused(409, "out_of_order",
                          f"message {envelope.sequence - 1} of this conversation first")
    if envelope.type == MessageType.HANDOVER:
        case_id = await _open_case(engine, client, settings, partner, envelope)
    elif envelope.type in (MessageType.PROPOSED, MessageType.PRE_ARRIVAL):
        case_id = _record_proposal(engine, settings, partner, envelope)
    else:
        case_id = await _apply(engine, client, partner, envelope)
    with Session(engine) as session:
        session.add(ExchangeInbox(
            message_id=envelope.message_id, partner_id=partner.id,
            conversation_id=envelope.conversation_id, sequence=envelope.sequence,
            type=envelope.type, case_id=case_id,
        ))
        try:
            session.commit()
        except IntegrityError:  # the same message, applied meanwhile by a parallel delivery
            return {"status": "duplicate", "message_id": envelope.message_id}
    log.info("exchange message applied", type=str(envelope.type), partner_id=partner.id,
             case_id=case_id)
    return {"status": "applied", "message_id": envelope.message_id}


def _link(session: Session, partner: Partner, envelope: Envelope,
          direction: Direction) -> ExchangeLink | None:
    return session.exec(
        select(ExchangeLink)
        .where(ExchangeLink.partner_id == partner.id)
        .where(ExchangeLink.conversation_id == envelope.conversation_id)
        .where(ExchangeLink.direction == direction)
    ).first()


async def _apply(engine: Engine, client: Client, partner: Partner, envelope: Envelope) -> str:
    """A message about a case this side sent: taken on it as its partner's report."""
    with Session(engine) as session:
        link = _link(session, partner, envelope, Direction.SENT)
    if link is None:
        raise Refused(422, "unknown_conversation",
                      f"no case handed over to {partner.id} as {envelope.conversation_id}")
    if envelope.type == MessageType.ACCEPTED:
        record_partner_acceptance(engine, link.case_id, partner.id, envelope.message_id)
        return link.case_id
    if envelope.type == MessageType.ANSWERED:
        return await _take_answer(engine, client, partner, envelope, link)
    decision = REPORTS.get(envelope.type)
    if decision is None or decision.body is None:
        raise Refused(422, "unexpected_type", f"{envelope.type} is not sent to this side")
    try:
        fields = decision.body.model_validate(envelope.body).model_dump()
    except ValidationError as err:
        raise Refused(422, "bad_body", problems(err)) from err
    actor = Actor(id=partner.id, role=Role.PARTNER, organisation=partner.id)
    try:
        # The update id is the message id: the workflow takes a message once even if this
        # side stopped after the update and before writing its inbox row.
        await take(client, engine, link.case_id, decision, actor, fields,
                   update_id=envelope.message_id)
    except HTTPException as err:
        if err.status_code == 409:
            # Refused now (e.g. the plan waits for this side's supervisor): sent again later.
            raise Refused(409, "not_now", str(err.detail)) from err
        if err.status_code >= 500:
            raise Refused(503, "unavailable", str(err.detail)) from err
        raise Refused(422, "refused", str(err.detail)) from err
    return link.case_id


async def _open_case(engine: Engine, client: Client, settings: Settings, partner: Partner,
                     envelope: Envelope) -> str:
    """This installation's own case for a returnee handed over by another one: the household
    it needs (names, dates of birth, vulnerabilities), at the arrival, with the consent the
    sender recorded. Opened once per conversation; its workflow is started again harmlessly."""
    package, consent, signed_on = _package(envelope)
    external_ref = f"{partner.id}:{envelope.conversation_id}"
    with Session(engine, expire_on_commit=False) as session:
        case = session.exec(select(Case).where(Case.external_ref == external_ref)).first()
        if case is None:
            case = _insert_case(session, settings, partner, envelope, package, consent,
                                external_ref)
        elif case.stage == exchange_proposals.PROPOSED_STAGE:
            # Proposed before departure: the handover takes that case over (one case).
            exchange_proposals.sync_household(session, case, package)
            case.stage, case.status = Stage.ARRIVAL, CaseStatus.ACTIVE
            case.departure_date = package.departed_on
            link = _link(session, partner, envelope, Direction.RECEIVED)
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
        link = _link(session, partner, envelope, Direction.RECEIVED)
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


def _record_proposal(engine: Engine, settings: Settings, partner: Partner,
                     envelope: Envelope) -> str:
    """A case proposed before departure (or its pre-arrival package): recorded on this side's
    own case for it, opened once per conversation (the handover later takes it over)."""
    package, consent, _ = _package(envelope)
    external_ref = f"{partner.id}:{envelope.conversation_id}"
    with Session(engine, expire_on_commit=False) as session:
        case = session.exec(select(Case).where(Case.external_ref == external_ref)).first()
        if case is None:
            case = _insert_case(session, settings, partner, envelope, package, consent,
                                external_ref, stage=exchange_proposals.PROPOSED_STAGE)
        exchange_proposals.record(session, case, partner, envelope, package)
        link = _link(session, partner, envelope, Direction.RECEIVED)
        if link is not None and case.stage == exchange_proposals.PROPOSED_STAGE:
            link.consent = consent  # as the sender last recorded it
            session.add(link)
        session.commit()
        return case.id


async def _take_answer(engine: Engine, client: Client, partner: Partner, envelope: Envelope,
                       link: ExchangeLink) -> str:
    """The other installation's staff answered the proposal: the partner's answer on this
    case, the same decision as the partner's route (accept ends the wait for it; decline
    lets the caseworker choose another partner)."""
    assert ANSWER_PARTNER.body is not None
    try:
        fields = ANSWER_PARTNER.body.model_validate(envelope.body).model_dump()
    except ValidationError as err:
        raise Refused(422, "bad_body", problems(err)) from err
    actor = Actor(id=partner.id, role=Role.PARTNER, organisation=partner.id)
    try:
        await take(client, engine, link.case_id, ANSWER_PARTNER, actor, fields,
                   update_id=envelope.message_id)
    except HTTPException as err:
        if err.status_code >= 500:
            raise Refused(503, "unavailable", str(err.detail)) from err
        # Answered already, another partner chosen meanwhile, departed: it will not become
        # valid later, so it is not retried (the sender marks it failed on its case).
        raise Refused(422, "refused", str(err.detail)) from err
    return link.case_id


def _insert_case(session: Session, settings: Settings, partner: Partner, envelope: Envelope,
                 package: PartnerPackage, consent: dict[str, Any], external_ref: str,
                 stage: Stage = Stage.ARRIVAL) -> Case:
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
    ordered = sorted(package.household, key=lambda p: p.relationship != Relationship.PRINCIPAL)
    for position, person in enumerate(ordered):
        session.add(HouseholdMember(
            id=str(uuid.uuid4()), case_id=case.id, position=position,
            relationship=person.relationship, given_name=person.given_name,
            family_name=person.family_name, date_of_birth=person.date_of_birth,
            sex=person.sex, nationality=package.country_of_origin,
            vulnerabilities=list(person.vulnerabilities),
        ))
    session.add(ExchangeLink(
        case_id=case.id, partner_id=partner.id, conversation_id=envelope.conversation_id,
        direction=Direction.RECEIVED, consent=consent,
    ))
    session.commit()
    return case
