"""A case's referrals to specialised services and the consents that cover them. Staff before
departure and after; the partner a case was handed over to, after the return only."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlmodel import Session

from api import referrals
from api.consent import tell_the_workflow
from api.deps import CurrentActor, PartnerCaseDep, SessionDep, SettingsDep, TemporalDep
from core.settings import Settings
from models.decisions import ConsentFact
from models.enums import Role
from models.schemas_protection import (
    OutcomeIn,
    ReferralConsentIn,
    ReferralConsentPublic,
    ReferralIn,
    ReferralPublic,
    ReferralsPublic,
)
from models.tables import Case

router = APIRouter(prefix="/cases/{case_id}/referrals", tags=["referrals"])


@router.get("", response_model=ReferralsPublic)
def list_referrals(
    case: PartnerCaseDep, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> ReferralsPublic:
    """The case's referrals, newest first (overdue: no outcome after the set days), and the
    consents recorded for them. A partner sees those made after the return."""
    found = referrals.view(session, case, settings, referrals.now_utc())
    if actor.role == Role.PARTNER:
        found.data = [r for r in found.data if r.after_return]
    return found


@router.post("/consents", response_model=ReferralConsentPublic, status_code=status.HTTP_201_CREATED)
async def record_consent(
    data: ReferralConsentIn, case: PartnerCaseDep, request: Request, actor: CurrentActor,
    client: TemporalDep,
) -> ReferralConsentPublic:
    """Record a person's consent to be referred (who gave it, when, the signed document): the
    consent for the referral purpose (GET/POST /cases/{case_id}/consents), given."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        consent = referrals.record_consent(session, case, data, actor)
    await tell_the_workflow(client, case, ConsentFact(actor=actor, purpose="referral",
                                                      status="given"))
    return ReferralConsentPublic.model_validate(consent, from_attributes=True)


@router.post("", response_model=ReferralPublic, status_code=status.HTTP_201_CREATED)
async def refer(
    data: ReferralIn, case: PartnerCaseDep, request: Request, response: Response,
    session: SessionDep, settings: SettingsDep, actor: CurrentActor,
) -> ReferralPublic:
    """Refer a person to a provider under their consent: by secure e-mail (sent once; asking
    again while it is open sends nothing new) or recorded as made by phone or in person."""
    session.close()
    referral, created = await referrals.refer(request.app.state.engine, settings, case, data, actor)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _public(request, case, settings, referral.id)


@router.post("/{referral_id}/outcome", response_model=ReferralPublic)
def record_outcome(
    referral_id: str, data: OutcomeIn, case: PartnerCaseDep, request: Request,
    session: SessionDep, settings: SettingsDep, actor: CurrentActor,
) -> ReferralPublic:
    """Record the provider's answer and the outcome (accepted, declined, service given)."""
    referrals.record_outcome(session, case, referral_id, data, actor)
    return _public(request, case, settings, referral_id)


def _public(request: Request, case: Case, settings: Settings, referral_id: str) -> ReferralPublic:
    with Session(request.app.state.engine) as session:
        found = referrals.view(session, case, settings, referrals.now_utc())
    return next(r for r in found.data if r.id == referral_id)
