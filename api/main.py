"""The FastAPI application: settings, engine and Temporal client live on app.state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import structlog
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api import audit
from api.auth import authorize
from api.middleware import RequestContext
from api.routes import (
    access,
    aftercare,
    auth,
    cases,
    codec,
    consents,
    costs,
    decisions,
    documents,
    embassies,
    exchange,
    exchange_proposals,
    generated_documents,
    health,
    household,
    imports,
    notes,
    notifications,
    outreach,
    partner_choice,
    partners,
    payments,
    privacy,
    project_activities,
    projects,
    queue,
    referrals,
    report_targets,
    reports,
    services,
    supervision,
    timeline,
    travel_desk,
    ui,
    ui_bank_account,
    ui_case_list,
    ui_cases,
    ui_consents,
    ui_documents,
    ui_exchange_proposals,
    ui_finance,
    ui_generated,
    ui_household,
    ui_notes,
    ui_partner_choice,
    ui_protection,
    ui_report_pages,
    ui_reports,
    ui_services,
    ui_travel_desk,
    ui_worklists,
    users,
)
from api.routes import audit as audit_routes
from api.web.errors import install_page_errors
from api.web.templating import STATIC_DIR
from core.db import build_engine
from core.logging import configure_logging
from core.metrics import ApiMetrics
from core.settings import Settings, get_settings
from core.temporal import connect

log = structlog.get_logger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Tests put their own engine and client on app.state before startup.
        if not hasattr(app.state, "engine"):
            app.state.engine = build_engine(settings)
        if not hasattr(app.state, "temporal"):
            app.state.temporal = await connect(settings, lazy=True)
        app.state.metrics = ApiMetrics(
            app.state.engine, timedelta(days=settings.stuck_after_days)
        )
        yield

    app = FastAPI(
        title="Homeward",
        summary="Case orchestrator for assisted voluntary return and reintegration",
        lifespan=lifespan,
    )
    app.state.settings = settings
    # Tests may put their own engine on app.state after this: read it when writing.
    audit_writer = audit.AuditWriter(lambda: app.state.engine)

    app.add_middleware(RequestContext, settings=settings, audit_writer=audit_writer)

    # Every router goes through the route policy (api/policy.py): deny unless a rule allows.
    guarded = [Depends(authorize)]
    app.include_router(health.router, dependencies=guarded)
    app.include_router(auth.router, dependencies=guarded)
    app.include_router(users.router, dependencies=guarded)
    app.include_router(audit_routes.router, dependencies=guarded)
    app.include_router(cases.router, dependencies=guarded)
    app.include_router(decisions.router, dependencies=guarded)
    app.include_router(privacy.router, dependencies=guarded)
    app.include_router(notes.router, dependencies=guarded)
    app.include_router(household.router, dependencies=guarded)
    app.include_router(timeline.router, dependencies=guarded)
    app.include_router(notifications.router, dependencies=guarded)
    app.include_router(codec.router, dependencies=guarded)
    app.include_router(projects.router, dependencies=guarded)
    app.include_router(projects.case_router, dependencies=guarded)
    app.include_router(project_activities.router, dependencies=guarded)
    app.include_router(reports.router, dependencies=guarded)
    app.include_router(report_targets.router, dependencies=guarded)
    app.include_router(outreach.router, dependencies=guarded)
    app.include_router(aftercare.router, dependencies=guarded)
    app.include_router(partners.router, dependencies=guarded)
    app.include_router(exchange.router, dependencies=guarded)
    app.include_router(exchange_proposals.router, dependencies=guarded)
    app.include_router(partner_choice.router, dependencies=guarded)
    app.include_router(embassies.router, dependencies=guarded)
    app.include_router(costs.router, dependencies=guarded)
    app.include_router(costs.case_router, dependencies=guarded)
    app.include_router(imports.router, dependencies=guarded)
    app.include_router(queue.router, dependencies=guarded)
    app.include_router(supervision.router, dependencies=guarded)
    app.include_router(documents.router, dependencies=guarded)
    app.include_router(generated_documents.router, dependencies=guarded)
    app.include_router(travel_desk.router, dependencies=guarded)
    app.include_router(travel_desk.uploads, dependencies=guarded)
    app.include_router(payments.router, dependencies=guarded)
    app.include_router(access.router, dependencies=guarded)
    app.include_router(services.router, dependencies=guarded)
    app.include_router(referrals.router, dependencies=guarded)
    app.include_router(consents.router, dependencies=guarded)
    # The web interface: same login, same policy; its pages answer errors as HTML.
    app.include_router(ui.router, dependencies=guarded)
    app.include_router(ui_case_list.router, dependencies=guarded)
    app.include_router(ui_worklists.router, dependencies=guarded)
    app.include_router(ui_reports.router, dependencies=guarded)
    app.include_router(ui_report_pages.router, dependencies=guarded)
    app.include_router(ui_cases.router, dependencies=guarded)
    app.include_router(ui_notes.router, dependencies=guarded)
    app.include_router(ui_documents.router, dependencies=guarded)
    app.include_router(ui_generated.router, dependencies=guarded)
    app.include_router(ui_travel_desk.router, dependencies=guarded)
    app.include_router(ui_household.router, dependencies=guarded)
    app.include_router(ui_finance.router, dependencies=guarded)
    app.include_router(ui_bank_account.router, dependencies=guarded)
    app.include_router(ui_protection.router, dependencies=guarded)
    app.include_router(ui_consents.router, dependencies=guarded)
    app.include_router(ui_services.router, dependencies=guarded)
    app.include_router(ui_partner_choice.router, dependencies=guarded)
    app.include_router(ui_exchange_proposals.router, dependencies=guarded)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")
    install_page_errors(app)
    return app


def app_factory() -> FastAPI:
    settings = get_settings()
    configure_logging(settings)
    return create_app(settings)
