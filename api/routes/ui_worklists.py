"""Web pages of cases to act on: departures to confirm, a partner's cases, stuck cases.

Each case is shown with its workflow's live state and the decisions the signed-in user may
take on it now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlmodel import Session
from temporalio.client import Client

from api import partner_choice
from api.auth import CurrentUser, actor_of
from api.deps import SessionDep, TemporalDep
from api.policy import allowed
from api.stuck import Filters, stuck_cases
from api.web import catalogue, queries
from api.web.documents import add_evidence_views
from api.web.live import live_state
from api.web.params import option, page_count, page_number
from api.web.templating import render
from models.enums import Stage, StuckReason
from models.schemas_aftercare import ReintegrationView
from models.users import User

router = APIRouter(prefix="/ui", tags=["web"], include_in_schema=False)


@dataclass
class Worklist:
    """One showing of a worklist page (cases to act on, each with the forms of the decisions
    the user may take now): who asks, and a refused form to show again as typed."""

    request: Request
    session: Session
    client: Client
    user: User
    form_state: dict[str, Any] | None = None
    status: int = 200
    today: date = field(default_factory=date.today)

    async def items(self, rows: list[Any]) -> list[dict[str, Any]]:
        """Each case with its workflow's live state and the actions the user may take on it
        now (the session is closed first: no connection is held while Temporal answers)."""
        self.session.close()
        states = await asyncio.gather(*(live_state(self.client, c.id) for c in rows))
        actor = actor_of(self.user)
        return [
            {"case": case, "state": state,
             "offered": catalogue.available(state, actor, self.today) if state else []}
            for case, state in zip(rows, states, strict=True)
        ]

    def render(self, template: str, context: dict[str, Any]) -> Response:
        return render(self.request, template, context | {
            "form_state": self.form_state or {}, "today": self.today,
        }, self.status)


WorklistPage = Callable[[Worklist], Awaitable[Response]]
# Cases on one page of the partner's worklist: each asks its workflow for its live state.
PER_PAGE = 20

# The worklist pages by path: a decision posted from one and refused comes back on it.
WORKLISTS: dict[str, WorklistPage] = {}


def worklist(
    router: APIRouter, path: str, summary: str
) -> Callable[[WorklistPage], WorklistPage]:
    """Serve the page at GET `path` (no form yet) and register it to come back on."""
    def register(page: WorklistPage) -> WorklistPage:
        async def show(
            request: Request, session: SessionDep, client: TemporalDep, user: CurrentUser
        ) -> Response:
            return await page(Worklist(request, session, client, user))

        show.__doc__ = summary
        router.add_api_route(path, show, methods=["GET"], name=page.__name__)
        WORKLISTS[router.prefix + path] = page
        return page
    return register


async def refused_on_worklist(
    request: Request, next_path: str, client: Client, user: User,
    form_state: dict[str, Any], status: int,
) -> Response | None:
    """The worklist page a refused form was posted from, the form beside its case as typed;
    None when it came from no worklist."""
    for path, page in WORKLISTS.items():
        if next_path.startswith(path):
            with Session(request.app.state.engine) as session:
                return await page(Worklist(request, session, client, user, form_state, status))
    return None


@worklist(router, "/departures",
          "Booked departures to confirm (border guard) or follow (staff): no personal data.")
async def departures(view: Worklist) -> Response:
    items = await view.items(queries.booked(view.session, viewer=actor_of(view.user)))
    for item in items:
        item["offered"] = [a for a in item["offered"] if a.action.key == "departure"]
    return view.render("departures.html", {
        "items": items, "can_open": allowed("GET", "/ui/cases/{case_id}", view.user.role),
    })


@worklist(router, "/partner",
          "A partner's cases (handed over to its organisation) and what it can report on each.")
async def partner_cases(view: Worklist) -> Response:
    page = page_number(view.request.query_params.get("page"))
    rows, total = queries.handed_over_to(view.session, view.user.partner_org, page, PER_PAGE)
    known = partner_choice.partner_view(view.session, [r.id for r in rows])
    items = await view.items(rows)
    for item in items:
        item["view"] = ReintegrationView.of(item["state"]) if item["state"] else None
        item["known"] = known.get(item["case"].id)
    add_evidence_views(view.request.app.state.engine, items, actor_of(view.user),
                       view.request.app.state.settings.document_max_bytes, view.form_state)
    return view.render("partner.html", {
        "items": items, "page": page, "pages": page_count(total, PER_PAGE),
    })


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
