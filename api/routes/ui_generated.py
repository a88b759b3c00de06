"""The case page's buttons that generate the papers to print and sign (the declaration with
the consent form, the grant receipt): the rules of POST /cases/{id}/documents/generated/...;
the paper then shows among the case's documents, downloaded from there (audited)."""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from temporalio.client import Client

from api import document_service as service
from api import generated_documents as papers
from api.auth import CurrentUser
from api.deps import CaseDep, CurrentActor, SettingsDep, TemporalDep
from api.live import LiveStateUnavailable, read_live_state
from api.routes.ui_cases import case_page
from api.web.security import verify_csrf
from core.settings import Settings
from models.payloads import Actor
from models.tables import Case

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/ui/cases/{case_id}/documents/generated", tags=["web"],
                   include_in_schema=False)
VaultDep = Annotated[service.Vault, Depends(service.get_vault)]


async def _generate(
    request: Request, paper: str, case: Case, actor: Actor, user: Any, settings: Settings,
    client: Client, vault: service.Vault,
) -> Response:
    """Generate the paper; a refusal (no approved grant yet) comes back on the case page."""
    engine = request.app.state.engine
    try:
        if paper == "declaration":
            document = await papers.generate_declaration(engine, vault, settings, case, actor.id)
        else:
            live = await read_live_state(client, case.id)
            document = await papers.generate_receipt(engine, vault, settings, case, live,
                                                     actor.id)
    except (papers.NotReady, LiveStateUnavailable) as err:
        reason = str(err.detail) if isinstance(err, LiveStateUnavailable) else str(err)
        return await case_page(request, case, user, client,
                               {"papers": {"error": reason, "paper": paper}}, 409)
    log.info("paper generated", paper=paper, document_id=document.id)
    return RedirectResponse(
        f"/ui/cases/{case.id}?done={paper}-generated#documents-{case.id}", status_code=303
    )


# One route a paper, so the audit trail names which one was generated.
PAPERS = {
    "declaration": "Generate the declaration of voluntary return with the household's consent "
    "form.",
    "grant-receipt": "Generate the receipt of the approved grant, for the recipient to sign.",
}


def _route(paper: str, summary: str) -> None:
    async def generate(
        request: Request, case: CaseDep, actor: CurrentActor, user: CurrentUser,
        settings: SettingsDep, client: TemporalDep, vault: VaultDep,
    ) -> Response:
        return await _generate(request, paper, case, actor, user, settings, client, vault)

    generate.__doc__ = summary
    router.add_api_route(f"/{paper}", generate, methods=["POST"],
                         dependencies=[Depends(verify_csrf)],
                         name=f"generate_{paper.replace('-', '_')}")


for _paper, _summary in PAPERS.items():
    _route(_paper, _summary)
