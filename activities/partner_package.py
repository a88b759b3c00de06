"""What a reintegration partner receives about a case, and which partners serve a destination.

Every package (the pre-arrival package, again on every change, and the handover after
departure) is built by ``build_package`` alone, filtered by each person's consent for the
purpose (``models/consent.may_send``); ``activities/partners.py`` delivers it.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select
from temporalio.exceptions import ApplicationError

from models.consent import Purpose, may_send
from models.external import (
    PartnerContact,
    PartnerNeeds,
    PartnerPackage,
    PartnerTravel,
    PartnerTraveller,
)
from models.partners import NeedsAssessment, Partner
from models.tables import Case, HouseholdMember
from models.users import User


def partner_for(session: Session, country: str, region: str | None = None) -> Partner | None:
    """The first active partner (by id) serving ``country`` (and ``region``, if given)."""
    found = partners_serving(session, country, region)
    return found[0] if found else None


def partners_serving(session: Session, country: str, region: str | None = None) -> list[Partner]:
    """The active partners serving ``country`` and, where partners cover parts of it,
    ``region`` (a partner without regions serves the whole country), by id."""
    query = (
        select(Partner)
        .where(Partner.country == country)
        .where(col(Partner.active).is_(True))
        .order_by(col(Partner.id))
    )
    return [p for p in session.exec(query).all() if p.covers(region)]


def build_package(
    session: Session,
    case_id: str,
    *,
    kind: str,
    reason: str | None = None,
    travel: PartnerTravel | None = None,
    departed_on: date | None = None,
    purpose: Purpose = Purpose.PARTNER,
) -> PartnerPackage:
    """Everything a partner receives about a case, built in this one place: the household's
    names, dates of birth and vulnerabilities, the language, the travel, the sending office's
    contact and the needs assessment. Never passport numbers, legal situation, the return
    decision or the place of stay. The workflow calls it only with the returnee's consent to
    share data with the partner; a person who refused or withdrew it is left out."""
    case = session.get(Case, case_id)
    if case is None:
        raise ApplicationError(f"case {case_id} not found", non_retryable=True)
    members = session.exec(
        select(HouseholdMember)
        .where(HouseholdMember.case_id == case_id)
        .order_by(col(HouseholdMember.position))
    ).all()
    # Only the persons whose consent for the purpose is in force (each one's own; without
    # one, the household's, under which alone the workflow sends anything to a partner).
    sharing = may_send(session, purpose, [m.id for m in members], True)
    members = [m for m in members if m.id in sharing.allowed]
    assignee = session.get(User, case.assignee_id) if case.assignee_id else None
    needs = session.get(NeedsAssessment, case_id)
    return PartnerPackage(
        kind=kind,
        reason=reason,
        case_id=case.id,
        reference=case.reference,
        country_of_origin=case.country_of_origin,
        destination_city=case.destination_city,
        departed_on=departed_on,
        preferred_language=case.preferred_language,
        household=[
            PartnerTraveller(
                given_name=m.given_name,
                family_name=m.family_name,
                date_of_birth=m.date_of_birth,
                sex=m.sex,
                relationship=m.relationship,
                vulnerabilities=list(m.vulnerabilities),
            )
            for m in members
        ],
        travel=travel,
        contact=PartnerContact(name=assignee.full_name, email=assignee.email)
        if assignee is not None
        else None,
        needs=PartnerNeeds(
            wants_to_do=needs.wants_to_do,
            skills=needs.skills,
            health=needs.health,
            housing=needs.housing,
        )
        if needs is not None
        else None,
    )
