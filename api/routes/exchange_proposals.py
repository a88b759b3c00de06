"""The cases other Homeward installations propose to this one before departure (docs/exchange.md,
version 2): the receiving staff's list, and their answer (accept, or decline with a reason),
which goes back to the sending installation as ``proposal.answered``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api import exchange_proposals
from api.deps import CaseDep, CurrentActor, SessionDep, SettingsDep, TemporalDep
from models.exchange import ProposalStatus
from models.schemas_partners import PartnerAnswerIn

router = APIRouter(tags=["exchange"])


@router.get("/exchange/proposals")
def list_proposals(session: SessionDep, actor: CurrentActor,
                   status: ProposalStatus | None = None) -> list[dict[str, Any]]:
    """The cases proposed by other installations, newest first: reference, sender, answer,
    destination, household size and the travel as last told (names are on the case page)."""
    return [p.as_json() for p in exchange_proposals.proposed_cases(session, actor, status)]


@router.post("/exchange/proposals/{case_id}/answer")
async def answer_proposal(case: CaseDep, body: PartnerAnswerIn, actor: CurrentActor,
                          request: Request, client: TemporalDep,
                          settings: SettingsDep) -> dict[str, Any]:
    """Accept the proposed case, or decline it with a reason: the sending installation takes
    it as its partner's answer. Answered once (409 after)."""
    proposal = await exchange_proposals.answer(request.app.state.engine, client, settings,
                                               case.id, actor, body)
    return {"case_id": proposal.case_id, "status": proposal.status, "reason": proposal.reason}
