"""The embassy directory: where each country's travel document requests are mailed (admins
keep it; staff read it)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from api.deps import SessionDep
from models.embassies import Embassy
from models.schemas_embassies import EmbassyIn, EmbassyPatch, EmbassyPublic
from models.tables import utcnow

router = APIRouter(prefix="/embassies", tags=["embassies"])


def public(e: Embassy) -> EmbassyPublic:
    return EmbassyPublic.model_validate(e, from_attributes=True)


@router.get("", response_model=list[EmbassyPublic])
def list_embassies(session: SessionDep) -> list[EmbassyPublic]:
    """Every embassy in the directory, by country."""
    return [public(e) for e in session.exec(select(Embassy).order_by(col(Embassy.country))).all()]


@router.post("", response_model=EmbassyPublic, status_code=201)
def create_embassy(data: EmbassyIn, session: SessionDep) -> EmbassyPublic:
    """Add the embassy or consulate that answers for a country of origin."""
    embassy = Embassy(**data.model_dump())
    session.add(embassy)
    try:
        session.commit()
    except IntegrityError as err:
        raise HTTPException(
            409, f"country: {data.country} has an embassy already; change it with PATCH"
        ) from err
    return public(embassy)


@router.patch("/{country}", response_model=EmbassyPublic)
def update_embassy(country: str, data: EmbassyPatch, session: SessionDep) -> EmbassyPublic:
    """Change a country's embassy: letters sent from now on go to the new address."""
    embassy = session.get(Embassy, country.upper())
    if embassy is None:
        raise HTTPException(404, f"no embassy for {country} in the directory")
    for field, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(embassy, field, value)
    embassy.updated_at = utcnow()
    session.add(embassy)
    session.commit()
    return public(embassy)
