"""Web pages of cases to act on: departures to confirm, a partner's cases, stuck cases.

Each case is shown with its workflow's live state and the decisions the signed-in user may
take on it now.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request, Response

from api import partner_choice
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


@router.get("/departures")
async def departures(
    request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
) -> Response:
    """Booked departures to confirm (border guard) or follow (staff): no personal data."""
    return await departures_page(request, session, client, user)


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


@router.get("/partner")
async def partner_cases(
    request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
) -> Response:
    """A partner's cases (handed over to its organisation) and what it can report on each."""
    return await partner_page(request, session, client, user)


async def partner_page(
    request: Request, session: Any, client: Any, user: Any,
    form_state: dict[str, Any] | None = None, status: int = 200,
) -> Response:
    rows = queries.handed_over_to(session, user.partner_org)
    items, today = await with_live_states(client, user, rows, session)
    known = partner_choice.partner_view(session, [r.id for r in rows])
    for item in items:
        item["view"] = ReintegrationView.of(item["state"]) if item["state"] else None
        item["known"] = known.get(item["case"].id)
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
