"""Reintegration partners (admins manage them) and a partner user's own case list."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from api.deps import CurrentActor, SessionDep
from models.partners import Partner
from models.schemas_aftercare import PartnerCase, PartnerIn, PartnerPatch, PartnerPublic
from models.tables import Case

router = APIRouter(tags=["partners"])


def public(p: Partner) -> PartnerPublic:
    shown = set(PartnerPublic.model_fields) - {"has_webhook_secret"}
    return PartnerPublic(**p.model_dump(include=shown), has_webhook_secret=bool(p.webhook_secret))


@router.get("/partners", response_model=list[PartnerPublic])
def list_partners(session: SessionDep) -> list[PartnerPublic]:
    """Every reintegration partner, by country."""
    rows = session.exec(select(Partner).order_by(col(Partner.country), col(Partner.id))).all()
    return [public(p) for p in rows]


@router.post("/partners", response_model=PartnerPublic, status_code=201)
def create_partner(data: PartnerIn, session: SessionDep) -> PartnerPublic:
    """Register a partner organisation; its users are bound to it by ``partner_org = id``."""
    if data.webhook_url is not None and not data.webhook_secret:
        raise HTTPException(422, "webhook_secret: required with a webhook_url (it signs handovers)")
    partner = Partner(
        **data.model_dump(exclude={"webhook_url"}),
        webhook_url=str(data.webhook_url) if data.webhook_url else None,
    )
    session.add(partner)
    try:
        session.commit()
    except IntegrityError as err:
        raise HTTPException(409, f"id: a partner '{data.id}' already exists") from err
    return public(partner)


@router.patch("/partners/{partner_id}", response_model=PartnerPublic)
def update_partner(partner_id: str, data: PartnerPatch, session: SessionDep) -> PartnerPublic:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise HTTPException(404, f"partner {partner_id} not found")
    changes = data.model_dump(exclude_unset=True)
    if "webhook_url" in changes:
        changes["webhook_url"] = str(data.webhook_url) if data.webhook_url else None
    for field, value in changes.items():
        setattr(partner, field, value)
    if partner.webhook_url and not partner.webhook_secret:
        raise HTTPException(422, "webhook_secret: required with a webhook_url (it signs handovers)")
    session.add(partner)
    session.commit()
    return public(partner)


@router.get("/partner/cases", response_model=list[PartnerCase])
def my_partner_cases(
    actor: CurrentActor,
    session: SessionDep,
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
) -> list[PartnerCase]:
    """The cases handed over to the signed-in partner's organisation, newest first."""
    query = (
        select(Case)
        .where(Case.partner_id == actor.organisation)
        .order_by(col(Case.updated_at).desc(), col(Case.id))
        .offset(offset)
        .limit(limit)
    )
    shown = set(PartnerCase.model_fields) - {"case_id"}
    return [
        PartnerCase(case_id=c.id, **c.model_dump(include=shown))
        for c in session.exec(query).all()
    ]
