"""The partner chosen before departure: the partners a case may choose among, and the needs
assessment made with the returnee (staff write it; the chosen partner reads it once the
returnee consented to share data with it, audited)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from api import partner_choice
from api.deps import CaseDep, CurrentActor, PartnerCaseDep, SessionDep
from models.partners import NeedsAssessment
from models.schemas_partners import NeedsAssessmentIn, NeedsAssessmentOut, PartnerOption

router = APIRouter(tags=["partners"])


@router.get("/cases/{case_id}/partner-options", response_model=list[PartnerOption])
def partner_options(
    case: CaseDep, session: SessionDep,
    region: str | None = Query(default=None, max_length=100),
) -> list[PartnerOption]:
    """The active partners serving the case's destination country (and region, if given:
    partners covering parts of the country list their regions)."""
    return partner_choice.options(session, case, region)


@router.put("/cases/{case_id}/needs-assessment", response_model=NeedsAssessmentOut)
def put_needs_assessment(
    case: CaseDep, body: NeedsAssessmentIn, session: SessionDep, actor: CurrentActor
) -> NeedsAssessment:
    """Record (or correct) the pre-departure needs assessment: what the returnee wants to
    do, skills, health, housing. Shared with the chosen partner under the returnee's consent."""
    return partner_choice.save_needs(session, case.id, body, actor.id)


@router.get("/cases/{case_id}/needs-assessment", response_model=NeedsAssessmentOut)
def get_needs_assessment(case: PartnerCaseDep, session: SessionDep) -> NeedsAssessment:
    """The needs assessment; a partner only on a case proposed or handed over to it."""
    row = session.get(NeedsAssessment, case.id)
    if row is None:
        raise HTTPException(404, "no needs assessment recorded for this case")
    return row
