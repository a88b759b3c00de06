"""Every route × every role: allowed or denied exactly as this table says.

The table is written out here on purpose, apart from api/policy.py: a change of who may do
what shows up in this test's diff, and a new route without a rule fails the first test.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from api.main import create_app
from api.policy import POLICY, PUBLIC
from core.settings import Settings
from models.enums import Role
from models.users import User
from tests.conftest import DATABASES

C, S, P, A, AD = "caseworker", "supervisor", "partner", "auditor", "admin"
BG, TD, F = "borderguard", "traveldesk", "finance"
STAFF = {C, S}
ANYONE_SIGNED_IN = {C, S, P, A, AD, BG, TD, F}

# Public to the route policy, but a request must be signed by a configured sender: unsigned,
# it is refused by the route itself (api/exchange_inbox.py), not by the policy.
SIGNED = {("POST", "/exchange/v1/messages")}

EXPECTED: dict[tuple[str, str], set[str] | None] = {  # None: public
    ("GET", "/health"): None,
    ("GET", "/health/live"): None,
    ("GET", "/health/ready"): None,
    ("GET", "/metrics"): None,
    ("POST", "/auth/token"): None,
    # Open to the policy, authenticated by the message's own signature (SIGNED below).
    ("POST", "/exchange/v1/messages"): None,
    ("GET", "/auth/me"): ANYONE_SIGNED_IN,
    ("POST", "/auth/logout"): ANYONE_SIGNED_IN,
    ("POST", "/cases"): STAFF,
    ("GET", "/cases"): STAFF | {A},
    ("GET", "/cases/{case_id}"): STAFF,
    ("GET", "/cases/{case_id}/household"): STAFF,
    ("POST", "/cases/{case_id}/counselling-sessions"): STAFF,
    ("POST", "/cases/{case_id}/intake/complete"): STAFF,
    ("POST", "/cases/{case_id}/eligibility/assessment"): STAFF,
    ("POST", "/cases/{case_id}/eligibility/decision"): {S},
    ("POST", "/cases/{case_id}/consent"): STAFF,
    ("POST", "/cases/{case_id}/vulnerability-steps"): STAFF,
    ("POST", "/cases/{case_id}/grant/proposal"): STAFF,
    ("POST", "/cases/{case_id}/grant/decision"): {S},
    ("POST", "/cases/{case_id}/grant/payment-retry"): STAFF,
    ("POST", "/cases/{case_id}/grant/cash-handover"): STAFF,
    ("POST", "/cases/{case_id}/grant/transfer-outcome"): {F},
    ("PUT", "/cases/{case_id}/bank-account"): STAFF,
    ("GET", "/cases/{case_id}/bank-account"): STAFF | {F},
    ("GET", "/payments/instructions"): {F},
    ("POST", "/payments/exports"): {F},
    ("GET", "/payments/exports"): {F},
    ("GET", "/payments/exports/{export_id}/file"): {F},
    ("POST", "/payments/statements"): {F},
    ("POST", "/ui/cases/{case_id}/bank-account"): STAFF,
    ("GET", "/ui/finance"): {F},
    ("POST", "/ui/finance/exports"): {F},
    ("GET", "/ui/finance/exports/{export_id}/file"): {F},
    ("POST", "/ui/finance/statements"): {F},
    ("POST", "/cases/{case_id}/travel-documents/assessment"): STAFF,
    ("POST", "/cases/{case_id}/travel-documents/embassy-answer"): STAFF,
    ("POST", "/cases/{case_id}/travel-documents/decision"): STAFF,
    ("POST", "/cases/{case_id}/clearance"): STAFF | {BG},
    ("POST", "/cases/{case_id}/bookings"): STAFF,
    ("POST", "/cases/{case_id}/departure"): {BG},
    ("POST", "/cases/{case_id}/no-show/decision"): STAFF,
    ("POST", "/cases/{case_id}/travel-desk/booking"): {TD},
    ("POST", "/cases/{case_id}/travel-desk/change"): {TD},
    ("POST", "/cases/{case_id}/travel-desk/cancellation"): {TD},
    ("GET", "/travel-desk/requests"): {TD, S},
    ("POST", "/travel-desk/cases/{case_id}/e-ticket"): {TD},
    ("GET", "/cases/{case_id}/timeline"): STAFF | {A},
    ("GET", "/notifications"): ANYONE_SIGNED_IN,
    ("POST", "/notifications/{notification_id}/read"): ANYONE_SIGNED_IN,
    ("GET", "/audit"): {A},
    ("GET", "/cases/{case_id}/audit"): {S, A},
    ("GET", "/people/{member_id}/export"): {AD},
    ("GET", "/users"): {AD},
    ("POST", "/users"): {AD},
    ("PATCH", "/users/{user_id}"): {AD},
    ("PUT", "/users/me/language"): ANYONE_SIGNED_IN,
    ("GET", "/projects"): STAFF | {A, AD},
    ("POST", "/projects"): {AD},
    ("GET", "/projects/{project_id}"): STAFF | {A, AD},
    ("PATCH", "/projects/{project_id}"): {AD},
    ("POST", "/cases/{case_id}/project"): {S},
    ("GET", "/projects/{project_id}/activities"): STAFF | {A, AD},
    ("POST", "/projects/{project_id}/activities"): {S, AD},
    ("PATCH", "/projects/{project_id}/activities/{activity_id}"): {S, AD},
    ("GET", "/projects/{project_id}/report"): {S, A, AD},
    ("GET", "/projects/{project_id}/targets"): STAFF | {A, AD},
    ("PUT", "/projects/{project_id}/targets"): {AD},
    ("GET", "/reports/portfolio"): {S, A, AD},
    ("GET", "/projects/{project_id}/outreach"): STAFF | {A, AD},
    ("POST", "/projects/{project_id}/outreach"): STAFF,
    ("POST", "/outreach/{contact_id}/case"): STAFF,
    ("GET", "/cases/{case_id}/costs"): STAFF,
    ("GET", "/projects/{project_id}/budget"): STAFF | {A, AD},
    ("POST", "/projects/{project_id}/import"): {S, AD},
    ("GET", "/tasks"): STAFF,
    ("GET", "/tasks/approvals"): {S},
    ("GET", "/tasks/counts"): STAFF,
    ("GET", "/supervision/stuck"): {S},
    ("POST", "/cases/{case_id}/assignment"): {S},
    ("POST", "/cases/{case_id}/reminder"): {S},
    ("POST", "/cases/{case_id}/external-call-retry"): {S},
    ("POST", "/codec/decode"): {S},
    ("POST", "/codec/encode"): {S},
    ("OPTIONS", "/codec/decode"): None,  # CORS preflight carries no credentials
    ("OPTIONS", "/codec/encode"): None,
    ("GET", "/cases/{case_id}/reintegration"): STAFF | {P, A},
    ("POST", "/cases/{case_id}/handover"): STAFF,
    ("POST", "/cases/{case_id}/arrival"): STAFF | {P},
    ("POST", "/cases/{case_id}/arrival/assistance"): STAFF | {P},
    ("POST", "/cases/{case_id}/reintegration-plan"): STAFF | {P},
    ("POST", "/cases/{case_id}/reintegration-plan/decision"): {S},
    ("POST", "/cases/{case_id}/reintegration-plan/deliveries"): STAFF | {P},
    ("POST", "/cases/{case_id}/monitoring/reports"): STAFF | {P},
    ("POST", "/cases/{case_id}/monitoring/visits"): {S},
    ("POST", "/cases/{case_id}/monitoring/end"): {S},
    ("POST", "/cases/{case_id}/closure/proposal"): STAFF,
    ("POST", "/cases/{case_id}/closure/decision"): {S},
    ("GET", "/partners"): STAFF | {AD},
    ("POST", "/partners"): {AD},
    ("PATCH", "/partners/{partner_id}"): {AD},
    ("GET", "/partner/cases"): {P},
    # The partner chosen before departure and the needs assessment
    ("POST", "/cases/{case_id}/partner"): STAFF,
    ("POST", "/cases/{case_id}/partner/answer"): STAFF | {P},
    ("GET", "/exchange/proposals"): STAFF,
    ("GET", "/ui/exchange/proposals"): STAFF,
    ("POST", "/ui/exchange/proposals/{case_id}/answer"): STAFF,
    ("POST", "/exchange/proposals/{case_id}/answer"): STAFF,
    ("GET", "/cases/{case_id}/partner-options"): STAFF,
    ("PUT", "/cases/{case_id}/needs-assessment"): STAFF,
    ("GET", "/cases/{case_id}/needs-assessment"): STAFF | {P},
    ("POST", "/ui/cases/{case_id}/needs-assessment"): STAFF,
    # The web interface
    ("GET", "/ui/login"): None,
    ("POST", "/ui/login"): None,
    ("POST", "/ui/logout"): ANYONE_SIGNED_IN,
    ("POST", "/ui/language"): ANYONE_SIGNED_IN,
    ("GET", "/ui"): ANYONE_SIGNED_IN,
    ("GET", "/ui/cases"): STAFF | {A},
    ("GET", "/ui/cases/new"): STAFF,
    ("POST", "/ui/cases/new"): STAFF,
    ("GET", "/ui/cases/{case_id}"): STAFF,
    ("POST", "/ui/cases/{case_id}/actions/{action}"): STAFF | {BG, P, TD},
    ("GET", "/ui/partner"): {P},
    ("GET", "/ui/supervision/stuck"): {S},
    ("POST", "/ui/cases/{case_id}/retry-now"): {S},
    ("GET", "/ui/departures"): STAFF | {BG},
    ("GET", "/ui/travel-desk"): {TD},
    ("GET", "/ui/reports"): {S, A, AD},
    ("GET", "/ui/reports/download"): {S, A, AD},
    ("GET", "/ui/reports/portfolio"): {S, A, AD},
    ("GET", "/ui/outreach"): STAFF | {A, AD},
    ("POST", "/ui/outreach"): STAFF,
    ("POST", "/cases/{case_id}/documents"): STAFF | {P},
    ("GET", "/cases/{case_id}/documents"): STAFF | {P},
    ("GET", "/cases/{case_id}/documents/{document_id}"): STAFF | {P},
    ("POST", "/cases/{case_id}/documents/{document_id}/versions"): STAFF,
    ("GET", "/embassies"): STAFF | {AD},
    ("POST", "/embassies"): {AD},
    ("PATCH", "/embassies/{country}"): {AD},
    ("GET", "/cases/{case_id}/notes"): STAFF,
    ("POST", "/cases/{case_id}/notes"): STAFF,
    ("PATCH", "/cases/{case_id}/notes/{note_id}"): STAFF,
    ("POST", "/ui/cases/{case_id}/notes"): STAFF,
    ("POST", "/ui/cases/{case_id}/notes/{note_id}"): STAFF,
    ("POST", "/ui/cases/{case_id}/documents"): STAFF | {P},
    ("GET", "/ui/cases/{case_id}/documents/{document_id}"): STAFF | {P},
    ("POST", "/ui/cases/{case_id}/documents/{document_id}/versions"): STAFF,
    ("POST", "/cases/{case_id}/documents/generated/declaration"): STAFF,
    ("POST", "/cases/{case_id}/documents/generated/grant-receipt"): STAFF,
    ("POST", "/ui/cases/{case_id}/documents/generated/declaration"): STAFF,
    ("POST", "/ui/cases/{case_id}/documents/generated/grant-receipt"): STAFF,
    ("POST", "/cases/{case_id}/findings"): STAFF,
    ("POST", "/cases/{case_id}/people"): STAFF,
    ("PATCH", "/cases/{case_id}/people/{member_id}"): STAFF,
    ("POST", "/cases/{case_id}/people/{member_id}/removal"): STAFF,
    ("GET", "/cases/{case_id}/people/{member_id}/changes"): STAFF,
    ("POST", "/ui/cases/{case_id}/people"): STAFF,
    ("POST", "/ui/cases/{case_id}/people/{member_id}"): STAFF,
    ("POST", "/ui/cases/{case_id}/people/{member_id}/removal"): STAFF,
    # Need to know, the service directory, referrals (issue 22)
    ("GET", "/cases/{case_id}/access"): STAFF,
    ("POST", "/cases/{case_id}/access/{user_id}"): {S},
    ("DELETE", "/cases/{case_id}/access/{user_id}"): {S},
    ("POST", "/cases/{case_id}/sensitive"): {S},
    ("DELETE", "/cases/{case_id}/sensitive"): {S},
    ("POST", "/cases/{case_id}/break-glass"): STAFF,
    ("GET", "/services"): STAFF | {AD},
    ("POST", "/services"): {AD},
    ("PATCH", "/services/{service_id}"): {AD},
    ("GET", "/cases/{case_id}/referrals"): STAFF | {P},
    ("POST", "/cases/{case_id}/referrals"): STAFF | {P},
    ("POST", "/cases/{case_id}/referrals/consents"): STAFF | {P},
    ("POST", "/cases/{case_id}/referrals/{referral_id}/outcome"): STAFF | {P},
    ("POST", "/ui/cases/{case_id}/access"): {S},
    ("POST", "/ui/cases/{case_id}/access/{user_id}/remove"): {S},
    ("POST", "/ui/cases/{case_id}/sensitive"): {S},
    ("GET", "/ui/break-glass"): STAFF,
    ("POST", "/ui/break-glass"): STAFF,
    ("POST", "/ui/cases/{case_id}/referral-consents"): STAFF,
    ("POST", "/ui/cases/{case_id}/referrals"): STAFF,
    ("POST", "/ui/cases/{case_id}/referrals/{referral_id}/outcome"): STAFF,
    ("GET", "/ui/services"): STAFF | {AD},
    ("POST", "/ui/services"): {AD},
    ("POST", "/ui/services/{service_id}"): {AD},
    # Consent by purpose, minors after return (issue 22)
    ("GET", "/cases/{case_id}/consents"): STAFF,
    ("POST", "/cases/{case_id}/consents"): STAFF,
    ("GET", "/cases/{case_id}/minors/handover-records"): STAFF | {P},
    ("POST", "/cases/{case_id}/minors/handover-records"): STAFF | {P},
    ("POST", "/cases/{case_id}/minors/handover"): STAFF | {P},
    ("POST", "/cases/{case_id}/minors/follow-ups"): STAFF | {P},
    ("POST", "/ui/cases/{case_id}/consents"): STAFF,
    ("POST", "/ui/cases/{case_id}/minors/handover"): STAFF,
}


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes = []
    for ctx in iter_route_contexts(app.routes):
        if isinstance(ctx.original_route, APIRoute):
            routes.extend((method, ctx.path) for method in sorted(ctx.methods))
    return routes


def test_every_route_has_a_rule_and_an_expectation(settings: Settings) -> None:
    routes = api_routes(create_app(settings))
    missing_rule = [r for r in routes if r not in POLICY and r not in PUBLIC]
    assert missing_rule == [], f"routes without a rule in api/policy.py: {missing_rule}"
    missing_expectation = [r for r in routes if r not in EXPECTED]
    assert missing_expectation == [], f"add these routes to EXPECTED: {missing_expectation}"
    stale = [r for r in EXPECTED if r not in routes]
    assert stale == [], f"EXPECTED names routes that no longer exist: {stale}"


# On one database: who may call what is decided before any query (api/policy.py); the routes'
# queries run on both databases in their own tests. Both took 70 s of the suite's two cores.
@pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)
async def test_route_role_matrix(
    api: httpx.AsyncClient, auth: Callable[[str], dict[str, str]], users: dict[str, User],
    settings: Settings,
) -> None:
    failures = []
    # The codec's CORS preflight answers only the Temporal UI's origin; say we are it.
    origin = {"Origin": settings.codec_cors_origin}
    for (method, path), allowed in EXPECTED.items():
        url = (
            path.replace("{case_id}", "no-such-case")
            .replace("{user_id}", "no-such-user")
            .replace("{member_id}", "no-such-person")
            .replace("{notification_id}", "0")
            .replace("{project_id}", "no-such-project")
            .replace("{activity_id}", "0")
            .replace("{action}", "consent")
        )
        anonymous = await api.request(
            method, url, json={} if method != "GET" else None,
            headers={"Authorization": "", **origin},
        )
        if (method, path) in SIGNED:
            if anonymous.status_code != 401 or anonymous.json()["error"] != "unknown_sender":
                failures.append(f"{method} {path} unsigned: {anonymous.text}")
            continue
        if allowed is None:
            if anonymous.status_code in (401, 403):
                failures.append(f"{method} {path} anonymous: {anonymous.status_code}")
            continue
        if anonymous.status_code != 401:
            failures.append(f"{method} {path} anonymous: {anonymous.status_code}, not 401")
        for username in sorted(ANYONE_SIGNED_IN):
            r = await api.request(
                method, url, json={} if method != "GET" else None,
                headers={**auth(username), **origin},
            )
            denied = r.status_code == 403
            if denied == (username in allowed):
                failures.append(f"{method} {path} as {username}: {r.status_code}")
    assert failures == []


def test_roles_in_the_table_are_real() -> None:
    assert {u.value for u in Role} >= {C, S, P, A, AD, "border_guard", "travel_desk"}
