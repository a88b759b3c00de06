"""The partner chosen before departure, outside the workflow: the partners a case may choose
among, the needs assessment (personal data, in the database only) and what a partner sees of
its cases (names and travel, read and audited by the routes)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from activities.partner_package import partners_serving
from core.db import saved
from core.i18n import _
from models.partners import NeedsAssessment, PartnerDelivery
from models.schemas_partners import NeedsAssessmentIn, PartnerOption
from models.tables import Case, HouseholdMember, utcnow


def options(session: Session, case: Case, region: str | None = None) -> list[PartnerOption]:
    """The active partners serving the case's country (and ``region``, if given)."""
    return [
        PartnerOption(id=p.id, organisation=p.organisation, country=p.country,
                      regions=p.region_list())
        for p in partners_serving(session, case.country_of_origin, region)
    ]


def option_labels(session: Session, case: Case) -> list[tuple[str, str]]:
    """The choices of the case page's partner field: id and "organisation (regions)"."""
    whole = _("whole country")
    return [(o.id, f"{o.organisation} ({', '.join(o.regions) or whole})")
            for o in options(session, case)]


def save_needs(session: Session, case_id: str, data: NeedsAssessmentIn, actor_id: str) -> NeedsAssessment:
    row = session.get(NeedsAssessment, case_id) or NeedsAssessment(
        case_id=case_id, recorded_by=actor_id
    )
    for field, value in data.model_dump().items():
        setattr(row, field, value.strip())
    row.recorded_by, row.recorded_at = actor_id, utcnow()
    return saved(session, row)


def partner_view(session: Session, case_ids: list[str]) -> dict[str, dict[str, Any]]:
    """For a partner's page: each case's household names and its latest package recorded
    for the partner (portal mode), by case id."""
    if not case_ids:
        return {}
    out: dict[str, dict[str, Any]] = {cid: {"names": [], "package": None} for cid in case_ids}
    members = session.exec(
        select(HouseholdMember).where(col(HouseholdMember.case_id).in_(case_ids))
        .order_by(col(HouseholdMember.case_id), col(HouseholdMember.position))
    ).all()
    for m in members:
        out[m.case_id]["names"].append(f"{m.given_name} {m.family_name}")
    deliveries = session.exec(
        select(PartnerDelivery).where(col(PartnerDelivery.case_id).in_(case_ids))
        .order_by(col(PartnerDelivery.delivered_at))
    ).all()
    for d in deliveries:
        out[d.case_id]["package"] = d.package
    return out
