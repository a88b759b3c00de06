"""The case after departure as staff and its partner see it (the decisions after departure are
declared in workflows/phases and routed by api/routes/decisions.py).

Partners reach only cases handed over to their organisation (``PartnerCaseDep``: any other
case is a 404 to them); the view carries nothing a partner should not see.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PartnerCaseDep, TemporalDep
from api.live import read_live_state
from models.schemas_aftercare import ReintegrationView

router = APIRouter(prefix="/cases/{case_id}", tags=["after arrival"])


@router.get("/reintegration", response_model=ReintegrationView)
async def read_reintegration(case: PartnerCaseDep, client: TemporalDep) -> ReintegrationView:
    """Arrival, plan (planned vs delivered), monitoring visits and the score's trend."""
    return ReintegrationView.of(await read_live_state(client, case.id))
