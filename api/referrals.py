"""Referrals of a household member to a specialised service: under a recorded consent, sent
by secure e-mail (once per referral, through the outbox) or recorded as made by phone or in
person; the provider's answer and the outcome are recorded later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import structlog
from fastapi import HTTPException
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from activities.clients import smtp_from
from activities.outbox import send_once
from api.case_parts import check_document_of, field_error, member_of
from core import i18n
from core.db import saved
from core.i18n import _
from core.settings import NotificationsMode, Settings
from models.consent import ConsentStatus, Purpose, PurposeConsent, may_send
from models.embassies import SentMail
from models.enums import Role
from models.people import Actor
from models.protection import (
    Referral,
    ReferralChannel,
    ReferralConsent,
    ServiceProvider,
)
from models.schemas_protection import (
    OutcomeIn,
    ReferralConsentIn,
    ReferralConsentPublic,
    ReferralIn,
    ReferralPublic,
    ReferralsPublic,
)
from models.tables import Case, HouseholdMember, utc
from workflows.rules import BEFORE_DEPARTURE

log = structlog.get_logger(__name__)


def view(session: Session, case: Case, settings: Settings, now: datetime) -> ReferralsPublic:
    rows = session.exec(select(Referral, ServiceProvider.name)
                        .join(ServiceProvider, col(ServiceProvider.id) == col(Referral.provider_id))
                        .where(Referral.case_id == case.id)
                        .order_by(col(Referral.sent_at).desc())).all()
    due = timedelta(days=settings.referral_outcome_days)
    consents = session.exec(select(ReferralConsent).where(ReferralConsent.case_id == case.id)
                            .order_by(col(ReferralConsent.recorded_at).desc())).all()
    return ReferralsPublic(
        data=[ReferralPublic(**r.model_dump(), provider_name=name,
                             overdue=r.outcome is None and utc(r.sent_at) + due < now)
              for r, name in rows],
        consents=[ReferralConsentPublic.model_validate(c, from_attributes=True) for c in consents],
    )


def record_consent(session: Session, case: Case, data: ReferralConsentIn, actor: Actor) -> ReferralConsent:
    member_of(session, case.id, data.member_id)
    check_document_of(session, case.id, data.document_id)
    consent = ReferralConsent(id=str(uuid.uuid4()), case_id=case.id, recorded_by=actor.id,
                              **data.model_dump())
    session.add(consent)
    # The same statement as the person's consent for the referral purpose (api/consent.py).
    session.add(PurposeConsent(
        id=str(uuid.uuid4()), case_id=case.id, member_id=data.member_id,
        purpose=Purpose.REFERRAL, status=ConsentStatus.GIVEN, on=data.given_on,
        given_by=data.given_by, document_id=data.document_id, recorded_by=actor.id))
    session.commit()
    session.refresh(consent)
    return consent


def _consent(session: Session, case: Case, member: HouseholdMember,
             consent_id: str | None) -> ReferralConsent:
    query = select(ReferralConsent).where(ReferralConsent.case_id == case.id).where(
        ReferralConsent.member_id == member.id)
    if consent_id is not None:
        query = query.where(ReferralConsent.id == consent_id)
    consent = session.exec(query.order_by(col(ReferralConsent.recorded_at).desc())).first()
    who = f"{member.given_name} {member.family_name}"
    if consent is None:
        raise HTTPException(409, f"no recorded consent of {who} to be referred covers this "
                                 "referral: record the consent (who gave it, when, and the "
                                 "signed form if there is one) first")
    sharing = may_send(session, Purpose.REFERRAL, [member.id])
    if sharing.withheld:
        status = sharing.withheld[member.id]
        raise HTTPException(409, f"{who}'s consent to be referred is {status or 'not given'}: "
                                 "nothing about them may be sent to a provider until they "
                                 "consent again")
    return consent


def _message(case: Case, member: HouseholdMember, provider: ServiceProvider,
             referral: Referral, office: str) -> EmailMessage:
    message = EmailMessage()
    # In the provider's language where it lists one of the interface's (English otherwise).
    spoken = [i18n.supported(code) for code in provider.languages or []]
    with i18n.language(next((c for c in spoken if c != i18n.DEFAULT), i18n.DEFAULT)):
        kind = provider.kind.value.replace("_", " ")
        message["Subject"] = _("Referral %(reference)s: %(kind)s", reference=case.reference,
                               kind=_(kind) if i18n.current() != i18n.DEFAULT else kind)
        message.set_content(
            _("Dear %(provider)s,", provider=provider.name) + "\n\n"
            + _("%(office)s refers to you, with their consent:", office=office) + "\n\n  "
            + _("%(name)s, born %(born)s, nationality %(nationality)s",
                name=f"{member.given_name} {member.family_name}",
                born=f"{member.date_of_birth:%d.%m.%Y}", nationality=member.nationality)
            + "\n  " + _("Language: %(language)s", language=case.preferred_language or "-")
            + "\n\n" + _("Reason: %(reason)s", reason=referral.reason) + "\n\n"
            + _("Please answer to this message quoting %(reference)s.",
                reference=case.reference) + "\n"
        )
    return message


class _LoggedMail:
    """Where no SMTP server is configured (the simulator's mode): the message is logged only."""

    def new_message_id(self) -> str:
        return f"<{uuid.uuid4()}@homeward.simulated>"

    async def send_message(self, message: EmailMessage) -> str:
        log.info("referral e-mail simulated", to=message["To"], subject=message["Subject"])
        return str(message["Message-ID"])


async def refer(engine: Engine, settings: Settings, case: Case, data: ReferralIn,
                actor: Actor) -> tuple[Referral, bool]:
    """The referral (a new one, or the open one of this person to this provider, whose
    e-mail the outbox sends at most once) and whether it is new."""
    with Session(engine, expire_on_commit=False) as session:
        after_return = case.stage not in BEFORE_DEPARTURE
        if actor.role == Role.PARTNER and not after_return:
            raise HTTPException(409, "a partner refers people after their return only")
        member = member_of(session, case.id, data.member_id)
        provider = session.get(ServiceProvider, data.provider_id)
        if provider is None or not provider.active:
            raise field_error("provider_id", f"no active service {data.provider_id}")
        consent = _consent(session, case, member, data.consent_id)
        if data.channel == ReferralChannel.EMAIL and not provider.email:
            raise HTTPException(409, f"{provider.name} has no e-mail address: refer by phone "
                                     "or in person")
        referral = session.exec(
            select(Referral).where(Referral.case_id == case.id)
            .where(Referral.member_id == member.id).where(Referral.provider_id == provider.id)
            .where(col(Referral.outcome).is_(None)).where(Referral.channel == data.channel)
        ).first()
        created = referral is None
        if referral is None:
            referral = Referral(
                id=str(uuid.uuid4()), case_id=case.id, member_id=member.id,
                provider_id=provider.id, consent_id=consent.id, reason=data.reason,
                channel=data.channel, after_return=after_return, made_by=actor.id,
                made_by_role=str(actor.role),
            )
            session.add(referral)
            session.commit()
        if referral.channel != ReferralChannel.EMAIL or referral.message_id:
            return referral, created
        mailer = (smtp_from(settings) if settings.notifications == NotificationsMode.SMTP
                  else _LoggedMail())
        row = SentMail(key=f"referral:{referral.id}", case_id=case.id, kind="referral",
                       reference=case.reference, recipients=provider.email or "",
                       message_id=mailer.new_message_id())
        msg = _message(case, member, provider, referral, settings.office_name)
    sent = await send_once(engine, mailer, row, lambda _: msg)  # type: ignore[arg-type]
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(Referral, referral.id)
        assert stored is not None
        stored.message_id, stored.sent_at = sent.message_id, utc(sent.sent_at or stored.sent_at)
        session.add(stored)
        session.commit()
        return stored, created


def record_outcome(session: Session, case: Case, referral_id: str, data: OutcomeIn,
                   actor: Actor) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.case_id != case.id:
        raise HTTPException(404, f"referral {referral_id} not found")
    if actor.role == Role.PARTNER and not referral.after_return:
        raise HTTPException(404, f"referral {referral_id} not found")
    referral.answer, referral.outcome = data.answer, data.outcome
    referral.outcome_on, referral.outcome_by = data.outcome_on, actor.id
    return saved(session, referral)


def now_utc() -> datetime:
    return datetime.now(UTC)
