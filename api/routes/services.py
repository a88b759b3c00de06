"""The service directory admins keep: providers people are referred to, by country and kind."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import Session, col, select

from api.deps import SessionDep, found
from core.db import saved
from models.protection import ServiceKind, ServiceProvider
from models.schemas_protection import (
    ServiceCreate,
    ServicePublic,
    ServicesPublic,
    ServiceUpdate,
)
from models.tables import utcnow

router = APIRouter(prefix="/services", tags=["service directory"])


def list_services(
    session: Session, country: str | None = None, kind: ServiceKind | None = None,
    active_only: bool = False,
) -> list[ServiceProvider]:
    query = select(ServiceProvider)
    if country:
        query = query.where(ServiceProvider.country == country.upper())
    if kind:
        query = query.where(ServiceProvider.kind == kind)
    if active_only:
        query = query.where(col(ServiceProvider.active))
    return list(session.exec(
        query.order_by(col(ServiceProvider.country), col(ServiceProvider.kind),
                       col(ServiceProvider.name))
    ).all())


def add_service(session: Session, data: ServiceCreate) -> ServiceProvider:
    row = ServiceProvider(id=str(uuid.uuid4()), **data.model_dump())
    return saved(session, row)


@router.get("", response_model=ServicesPublic)
def read_services(
    session: SessionDep,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
    kind: ServiceKind | None = None,
) -> ServicesPublic:
    """Providers by country, then kind, then name; filter by country or kind."""
    rows = list_services(session, country, kind)
    return ServicesPublic(
        data=[ServicePublic.model_validate(r, from_attributes=True) for r in rows],
        count=len(rows),
    )


@router.post("", response_model=ServicePublic, status_code=status.HTTP_201_CREATED)
def create_service(data: ServiceCreate, session: SessionDep) -> ServiceProvider:
    """Add a provider (admins)."""
    return add_service(session, data)


@router.patch("/{service_id}", response_model=ServicePublic)
def update_service(service_id: str, data: ServiceUpdate, session: SessionDep) -> ServiceProvider:
    """Change a provider's contact, languages or kind, or retire it (admins)."""
    row = found(session, ServiceProvider, service_id, "service")
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    return saved(session, row)
