"""Outreach without a case: information sessions and counselling contacts by place, date and
persons reached (nationality, sex, age band; never names), linked to a case opened later."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from sqlmodel import Session, col, select

from api.deps import CurrentActor, SessionDep, found
from api.need_to_know import may_see
from api.routes.projects import get_project_or_404
from core.db import saved
from models.payloads import Actor
from models.report_data import OutreachContact, OutreachReached
from models.schemas_outreach import OutreachCaseLink, OutreachIn, OutreachPublic, ReachedIn
from models.tables import Case

router = APIRouter(tags=["outreach"])
ContactId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def public(session: Session, contact: OutreachContact, actor: Actor) -> OutreachPublic:
    reached = session.exec(
        select(OutreachReached).where(OutreachReached.contact_id == contact.id)
        .order_by(col(OutreachReached.id))
    ).all()
    case = session.get(Case, contact.case_id) if contact.case_id else None
    assert contact.id is not None
    return OutreachPublic(
        id=contact.id, project_id=contact.project_id, kind=contact.kind,
        place_type=contact.place_type, place_name=contact.place_name, held_on=contact.held_on,
        persons_reached=sum(r.persons for r in reached),
        reached=[ReachedIn(nationality=r.nationality, sex=r.sex, age_band=r.age_band,  # type: ignore[arg-type]
                           persons=r.persons) for r in reached],
        case_id=case.id if case is not None and may_see(session, case, actor) else None,
        recorded_by=contact.recorded_by, created_at=contact.created_at,
    )


def record_outreach(
    session: Session, project_id: str, data: OutreachIn, actor: Actor
) -> OutreachContact:
    contact = OutreachContact(
        project_id=project_id, kind=data.kind, place_type=data.place_type,
        place_name=data.place_name, held_on=data.held_on, recorded_by=actor.id,
    )
    session.add(contact)
    session.flush()
    assert contact.id is not None
    session.add_all(OutreachReached(contact_id=contact.id, **r.model_dump())
                    for r in data.reached)
    session.commit()
    session.refresh(contact)
    return contact


@router.post("/projects/{project_id}/outreach", response_model=OutreachPublic,
             status_code=status.HTTP_201_CREATED)
def add_outreach(
    project_id: str, data: OutreachIn, session: SessionDep, actor: CurrentActor
) -> OutreachPublic:
    """Record an information session or a counselling contact held under the project."""
    project = get_project_or_404(session, project_id)
    return public(session, record_outreach(session, project.id, data, actor), actor)


@router.get("/projects/{project_id}/outreach", response_model=list[OutreachPublic])
def list_outreach(
    project_id: str, session: SessionDep, actor: CurrentActor,
    start: date | None = None, end: date | None = None,
) -> list[OutreachPublic]:
    """The project's outreach, newest first, optionally between two days (inclusive)."""
    project = get_project_or_404(session, project_id)
    query = select(OutreachContact).where(OutreachContact.project_id == project.id)
    if start is not None:
        query = query.where(col(OutreachContact.held_on) >= start)
    if end is not None:
        query = query.where(col(OutreachContact.held_on) <= end)
    query = query.order_by(col(OutreachContact.held_on).desc(), col(OutreachContact.id).desc())
    return [public(session, c, actor) for c in session.exec(query.limit(500)).all()]


def link_case(session: Session, contact_id: int, case_id: str, actor: Actor) -> OutreachContact:
    """Link a contact to the case opened for someone it reached (once; the case must be one
    the user may see)."""
    contact = found(session, OutreachContact, contact_id, "outreach contact")
    case = session.get(Case, case_id)
    if case is None or not may_see(session, case, actor):
        raise HTTPException(status_code=404, detail=f"case {case_id} not found")
    if contact.case_id not in (None, case.id):
        raise HTTPException(status_code=409, detail="the contact is linked to another case")
    contact.case_id = case.id
    return saved(session, contact)


@router.post("/outreach/{contact_id}/case", response_model=OutreachPublic)
def link_outreach_case(
    contact_id: ContactId, data: OutreachCaseLink, session: SessionDep, actor: CurrentActor
) -> OutreachPublic:
    """Link the contact to the case opened later for a person it reached."""
    return public(session, link_case(session, contact_id, data.case_id, actor), actor)
