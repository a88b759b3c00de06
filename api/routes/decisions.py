"""Every decision on a case as a POST route, derived from its declaration (workflows/phases).

Each route runs its workflow update as the acting user; the workflow's refusals (wrong stage,
wrong role, four eyes) come back as 409 with its reason. A decision partners may take is
reached only on cases handed over to their organisation and answers with the partner-safe
reintegration view; the others answer with the case's view.
"""

# No "from __future__ import annotations": FastAPI reads each generated endpoint's
# annotations, which name the declaration's body type held in a local variable.

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.decisions import take
from api.deps import CaseDep, CurrentActor, PartnerCaseDep, TemporalDep
from models.payloads import Actor
from models.schemas_aftercare import ReintegrationView
from models.schemas_case import CaseView
from models.tables import Case
from workflows.decision import Decision
from workflows.phases import PHASES

router = APIRouter()


def view_of(decision: Decision) -> Any:
    return ReintegrationView if decision.partner_scoped else CaseView


def _endpoint(decision: Decision) -> Any:
    case_dep: Any = PartnerCaseDep if decision.partner_scoped else CaseDep
    view = view_of(decision)

    async def run(request: Request, case: Case, actor: Actor, client: Any,
                  body: BaseModel | None) -> Any:
        fields = body.model_dump() if body is not None else {}
        state = await take(client, request.app.state.engine, case.id, decision, actor, fields,
                           settings=request.app.state.settings)
        return view.of(state)

    if decision.body is None:
        async def endpoint(
            request: Request, case: case_dep, actor: CurrentActor, client: TemporalDep,
        ) -> Any:
            return await run(request, case, actor, client, None)
    else:
        body_type: Any = decision.body

        async def endpoint(  # type: ignore[misc]
            request: Request, case: case_dep, body: body_type, actor: CurrentActor,
            client: TemporalDep,
        ) -> Any:
            return await run(request, case, actor, client, body)

    endpoint.__name__ = decision.update
    endpoint.__doc__ = decision.doc
    return endpoint


for phase, decisions in PHASES.items():
    for declared in decisions:
        router.add_api_route(
            declared.path, _endpoint(declared), methods=["POST"],
            response_model=view_of(declared), tags=[phase], name=declared.update,
            summary=declared.action[0].upper() + declared.action[1:],
        )
