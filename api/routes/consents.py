"""Consent by purpose (each person, each purpose: given, refused, withdrawn) and an
unaccompanied minor's handover at arrival: the JSON API. The web forms are in
api/routes/ui_consents.py, the rule of what may be sent in models/consent.py."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from api import consent, minors
from api.deps import CaseDep, CurrentActor, PartnerCaseDep, SessionDep, SettingsDep, TemporalDep
from models.schemas_consent import (
    MinorHandoverIn,
    MinorHandoverPublic,
    PurposeConsentIn,
    PurposeConsentPublic,
    PurposeConsentsPublic,
)

router = APIRouter(tags=["consent"])


@router.get("/cases/{case_id}/consents", response_model=PurposeConsentsPublic)
def list_consents(case: CaseDep, session: SessionDep) -> PurposeConsentsPublic:
    """Every statement of the case's people (newest first), the consent in force per person
    and purpose with whether their data may be sent, and the withdrawal notices sent."""
    return consent.view(session, case)


@router.post("/cases/{case_id}/consents", response_model=PurposeConsentPublic,
             status_code=status.HTTP_201_CREATED)
async def record_consent(
    data: PurposeConsentIn, case: CaseDep, request: Request, settings: SettingsDep,
    client: TemporalDep, actor: CurrentActor,
) -> PurposeConsentPublic:
    """Record a person's consent for a purpose (partner, referral, embassy, installation):
    given, refused or withdrawn, on a day, with the signed form if one exists. A withdrawal
    stops further sharing and notifies those who already received the data."""
    recorded = await consent.state_and_tell(request.app.state.engine, settings, client, case,
                                            data, actor)
    return PurposeConsentPublic.model_validate(recorded, from_attributes=True)


@router.get("/cases/{case_id}/minors/handover-records", response_model=list[MinorHandoverPublic])
def list_handovers(case: PartnerCaseDep, session: SessionDep) -> list[MinorHandoverPublic]:
    """The records of unaccompanied minors' handovers at arrival."""
    return [MinorHandoverPublic.model_validate(h, from_attributes=True)
            for h in minors.handovers(session, case.id)]


@router.post("/cases/{case_id}/minors/handover-records", response_model=MinorHandoverPublic,
             status_code=status.HTTP_201_CREATED)
async def record_handover(
    data: MinorHandoverIn, case: PartnerCaseDep, request: Request, client: TemporalDep,
    actor: CurrentActor,
) -> MinorHandoverPublic:
    """Record an unaccompanied minor's handover at arrival (to a parent, guardian or care
    institution: name, relationship, identity checked and how, the signed record); the
    workflow learns the facts (record_minor_handover). Needed to close the case completed."""
    row, _ = await minors.record(request.app.state.engine, client, case, data, actor)
    return MinorHandoverPublic.model_validate(row, from_attributes=True)
