"""Consent by purpose: the one rule of what may be sent about whom, and recording it.

``may_send(session, purpose, member_ids)`` (models/consent.py, where the workers' activities
reach it too) is asked by everything that sends a
person's data outside the office: the partner package (activities/partners.py), referrals
(api/referrals.py), the embassy request (activities/embassy.py, and the documents
assessment before it) and, when it comes, the exchange with the receiving country's
installation. The consent in force for a person and a purpose is their latest statement
(given, refused, withdrawn). Without one:

- partner: the household's consent of the intake (``share_with_partner``) decides, as for the
  cases recorded before consent by purpose; the workflow hands a case over only under it;
- embassy: the household's consent to share with the authorities, which the workflow
  requires before any request, decides;
- referral, installation: nothing may be sent.

A withdrawal stops further sharing and tells those already informed: the partner the case
was handed over to, the providers the person was referred to by e-mail (a notice each,
mailed once, recorded in ``sent_mail``). The workflow learns the fact only ("partner consent
withdrawn for 1 person"), for the case's history.
"""

from __future__ import annotations

import uuid
from datetime import date
from email.message import EmailMessage

import structlog
from fastapi import HTTPException
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client
from temporalio.service import RPCError

from activities.clients import smtp_from
from activities.outbox import send_once
from api.case_parts import check_document_of, member_of
from core.i18n import N_
from core.settings import NotificationsMode, Settings
from models.consent import (
    FALLBACK_TO_HOUSEHOLD,
    ConsentStatus,
    Purpose,
    PurposeConsent,
    in_force,
    may_send,
)
from models.decisions import ConsentFact
from models.embassies import SentMail
from models.partners import Partner
from models.people import Actor
from models.protection import Referral, ReferralChannel, ReferralConsent, ServiceProvider
from models.schemas_consent import (
    ConsentNotice,
    InForce,
    PurposeConsentIn,
    PurposeConsentPublic,
    PurposeConsentsPublic,
)
from models.tables import Case, HouseholdMember
from workflows.return_case import ReturnCaseWorkflow, workflow_id

log = structlog.get_logger(__name__)

PURPOSE_LABELS = {
    Purpose.PARTNER: N_("the reintegration partner"),
    Purpose.REFERRAL: N_("a referral provider"),
    Purpose.EMBASSY: N_("the embassy"),
    Purpose.INSTALLATION: N_("the receiving country's installation"),
}
def members_of(session: Session, case_id: str) -> list[HouseholdMember]:
    return list(session.exec(
        select(HouseholdMember).where(HouseholdMember.case_id == case_id)
        .order_by(col(HouseholdMember.position))
    ).all())


def history(session: Session, case_id: str) -> list[PurposeConsent]:
    """Every statement of the case's people, newest first."""
    return list(session.exec(
        select(PurposeConsent).where(PurposeConsent.case_id == case_id)
        .order_by(col(PurposeConsent.on).desc(), col(PurposeConsent.recorded_at).desc())
    ).all())


def record(session: Session, case: Case, member_id: str, purpose: Purpose,
           status: ConsentStatus, on: date, given_by: str | None, document_id: str | None,
           actor: Actor) -> PurposeConsent:
    member_of(session, case.id, member_id)
    check_document_of(session, case.id, document_id)
    if status == ConsentStatus.WITHDRAWN:
        # Withdrawn: a consent given by the person, or the household's that covers them.
        current = in_force(session, [member_id], purpose).get(member_id)
        if (current.status != ConsentStatus.GIVEN if current is not None
                else purpose not in FALLBACK_TO_HOUSEHOLD):
            raise HTTPException(409, f"there is no consent to share with "
                                     f"{PURPOSE_LABELS[purpose]} in force to withdraw")
    consent = PurposeConsent(id=str(uuid.uuid4()), case_id=case.id, member_id=member_id,
                             purpose=purpose, status=status, on=on, given_by=given_by,
                             document_id=document_id, recorded_by=actor.id)
    session.add(consent)
    if purpose == Purpose.REFERRAL and status == ConsentStatus.GIVEN:
        # The consent a referral names (api/referrals.py), the same statement.
        session.add(ReferralConsent(id=consent.id, case_id=case.id, member_id=member_id,
                                    given_by=given_by or "the person", given_on=on,
                                    document_id=document_id, recorded_by=actor.id))
    session.commit()
    session.refresh(consent)
    return consent


def informed(session: Session, case: Case, member_id: str, purpose: Purpose
             ) -> list[tuple[str, str]]:
    """Those already sent this person's data for the purpose: (key, e-mail address)."""
    if purpose == Purpose.PARTNER and case.partner_id:
        partner = session.get(Partner, case.partner_id)
        return [(f"partner:{partner.id}", partner.contact_email)] if partner else []
    if purpose == Purpose.REFERRAL:
        rows = session.exec(
            select(ServiceProvider).join(Referral, col(Referral.provider_id) == col(ServiceProvider.id))
            .where(Referral.case_id == case.id).where(Referral.member_id == member_id)
            .where(Referral.channel == ReferralChannel.EMAIL)
        ).all()
        return sorted({(f"provider:{p.id}", p.email) for p in rows if p.email})
    return []


class _LoggedMail:
    """Where no SMTP server is configured (the simulator's mode): the notice is logged only."""

    def new_message_id(self) -> str:
        return f"<{uuid.uuid4()}@homeward.simulated>"

    async def send_message(self, message: EmailMessage) -> str:
        log.info("consent withdrawal notice simulated", subject=message["Subject"])
        return str(message["Message-ID"])


async def tell_the_informed(engine: Engine, settings: Settings, case: Case,
                            consent: PurposeConsent) -> list[SentMail]:
    """A withdrawal: a notice to each recipient who already holds the person's data, mailed
    once per withdrawal and recipient (a retry sends nothing twice)."""
    with Session(engine, expire_on_commit=False) as session:
        member = session.get(HouseholdMember, consent.member_id)
        assert member is not None
        recipients = informed(session, case, consent.member_id, consent.purpose)
    mailer = (smtp_from(settings) if settings.notifications == NotificationsMode.SMTP
              else _LoggedMail())
    sent = []
    for who, address in recipients:
        row = SentMail(key=f"consent-withdrawn:{consent.id}:{who}"[:200], case_id=case.id,
                       kind="consent_withdrawal", reference=case.reference, recipients=address,
                       message_id=mailer.new_message_id())
        message = EmailMessage()
        message["Subject"] = f"Consent withdrawn {case.reference}"
        message.set_content(
            f"{settings.office_name} informs you that {member.given_name} {member.family_name} "
            f"(born {member.date_of_birth:%d.%m.%Y}, case {case.reference}) withdrew on "
            f"{consent.on:%d.%m.%Y} the consent to share their data with you.\n\n"
            "Please make no further use of the data received about this person, share it no "
            "further, and delete it unless the law requires you to keep it. Nothing more will "
            "be sent to you about them.\n"
        )
        sent.append(await send_once(engine, mailer, row, lambda _, m=message: m))  # type: ignore[arg-type,misc]
    return sent


def view(session: Session, case: Case) -> PurposeConsentsPublic:
    members = members_of(session, case.id)
    ids = [m.id for m in members]
    found = {p: in_force(session, ids, p) for p in Purpose}
    allowed = {p: set(may_send(session, p, ids, True).allowed) for p in Purpose}
    notices = session.exec(
        select(SentMail).where(SentMail.case_id == case.id)
        .where(SentMail.kind == "consent_withdrawal").order_by(col(SentMail.created_at))
    ).all()
    return PurposeConsentsPublic(
        data=[PurposeConsentPublic.model_validate(c, from_attributes=True)
              for c in history(session, case.id)],
        in_force=[InForce(
            member_id=m.id,
            purposes={p: (found[p][m.id].status if m.id in found[p] else None) for p in Purpose},
            may_send={p: m.id in allowed[p] for p in Purpose},
        ) for m in members],
        notices=[ConsentNotice(recipients=n.recipients, kind=n.kind, sent_at=n.sent_at,
                               message_id=n.message_id) for n in notices],
    )


async def state_and_tell(engine: Engine, settings: Settings, client: Client, case: Case,
                         data: PurposeConsentIn, actor: Actor) -> PurposeConsent:
    """Record a statement; a withdrawal tells those already informed; the workflow learns
    the fact for the case's history (nothing about who)."""
    with Session(engine, expire_on_commit=False) as session:
        consent = record(session, case, data.member_id, data.purpose, data.status, data.on,
                         data.given_by, data.document_id, actor)
    told: list[SentMail] = []
    if consent.status == ConsentStatus.WITHDRAWN:
        told = await tell_the_informed(engine, settings, case, consent)
    await tell_the_workflow(client, case, ConsentFact(
        actor=actor, purpose=consent.purpose.value, status=consent.status.value,
        informed=len(told)))
    return consent


async def tell_the_workflow(client: Client, case: Case, fact: ConsentFact) -> None:
    """The fact of a consent change, for the case's history (its timeline)."""
    try:
        await client.get_workflow_handle(workflow_id(case.id)).signal(
            ReturnCaseWorkflow.consent_changed, fact)
    except RPCError as err:  # a closed case's run has ended: the database keeps the record
        log.info("consent fact not signalled", case_id=case.id, status=str(err.status))
