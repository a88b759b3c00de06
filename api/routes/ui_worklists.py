"""Web pages of cases to act on: departures to confirm, a partner's cases, stuck cases.

Each case is shown with its workflow's live state and the decisions the signed-in user may
take on it now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from api.auth import CurrentUser, actor_of
from api.deps import SessionDep, TemporalDep
from api.policy import allowed
from api.stuck import Filters, stuck_cases
from api.web import catalogue, queries
from api.web.documents import add_evidence_views
from api.web.live import live_state
from api.web.params import option
from api.web.templating import render
from models.enums import Stage, StuckReason
from models.schemas_aftercare import ReintegrationView

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)


# A page of cases with the forms of their decisions: (request, session, client, user,
# form_state, status), form_state the refused form to show again as typed.
WorklistPage = Callable[..., Awaitable[Response]]

# The worklist pages by path: a decision posted from one and refused comes back on it
# (api.routes.ui_cases).
WORKLISTS: dict[str, WorklistPage] = {}


def worklist(
    router: APIRouter, path: str, summary: str
) -> Callable[[WorklistPage], WorklistPage]:
    """Serve the page at GET `path` (no form yet) and register it to come back on."""
    def register(page: WorklistPage) -> WorklistPage:
        async def show(
            request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
        ) -> Response:
            return await page(request, session, client, user)

        show.__doc__ = summary
        router.add_api_route(path, show, methods=["GET"], name=page.__name__.removesuffix("_page"))
        WORKLISTS[router.prefix + path] = page
        return page
    return register


async def with_live_states(
    client: Any, user: Any, rows: list[Any], session: Any
) -> tuple[list[dict[str, Any]], date]:
    """Each case with its workflow's live state and the actions the user may take on it now
    (the session is closed first: no connection is held while Temporal answers)."""
    session.close()
    states = await asyncio.gather(*(live_state(client, c.id) for c in rows))
    actor, today = actor_of(user), date.today()
    return [
        {"case": case, "state": state,
         "offered": catalogue.available(state, actor, today) if state else []}
        for case, state in zip(rows, states, strict=True)
    ], today


@worklist(router, "/departures",
          "Booked departures to confirm (border guard) or follow (staff): no personal data.")
async def departures_page(
    request: Request, session: Any, client: Any, user: Any,
    form_state: dict[str, Any] | None = None, status: int = 200,
) -> Response:
    items, today = await with_live_states(
        client, user, queries.booked(session, viewer=actor_of(user)), session
    )
    for item in items:
        item["offered"] = [a for a in item["offered"] if a.action.key == "departure"]
    return render(request, "departures.html", {
        "items": items, "form_state": form_state or {}, "today": today,
        "can_open": allowed("GET", "/ui/cases/{case_id}", user.role),
    }, status)


@worklist(router, "/partner",
          "A partner's cases (handed over to its organisation) and what it can report on each.")
async def partner_page(
    request: Request, session: Any, client: Any, user: Any,
    form_state: dict[str, Any] | None = None, status: int = 200,
) -> Response:
    rows = queries.handed_over_to(session, user.partner_org)
    items, today = await with_live_states(client, user, rows, session)
    for item in items:
        item["view"] = ReintegrationView.of(item["state"]) if item["state"] else None
    add_evidence_views(request.app.state.engine, items, actor_of(user),
                       request.app.state.settings.document_max_bytes, form_state)
    return render(request, "partner.html", {
        "items": items, "form_state": form_state or {}, "today": today,
    }, status)


@router.get("/supervision/stuck")
async def stuck(
    request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
) -> Response:
    """Stuck cases with their reasons, most severe first; reassign, remind, open to cancel."""
    p = request.query_params

    filters = Filters(
        stage=option(Stage, p.get("stage")), reason=option(StuckReason, p.get("reason")),
        country=(p.get("country") or "").upper()[:2] or None,
        referral_outcome_days=request.app.state.settings.referral_outcome_days,
    )
    found, count = await stuck_cases(session, client, datetime.now(UTC), filters, limit=100)
    caseworkers = queries.caseworkers(session)
    return render(request, "stuck.html", {
        "cases": found, "count": count, "caseworkers": caseworkers,
        "filters": {"stage": p.get("stage", ""), "reason": p.get("reason", ""),
                    "country": p.get("country", "")},
        "stages": list(Stage), "reasons": list(StuckReason),
    })
