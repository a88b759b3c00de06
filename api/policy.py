"""Who may call which route: one table, deny by default. A route missing here is closed.

A decision's rule comes from its declaration (workflows/phases): the roles its route admits
are the roles its workflow update accepts.
"""

from __future__ import annotations

from models.enums import Role
from workflows.phases import DECISIONS

CW, SUP, PARTNER, AUDITOR, ADMIN = (
    Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER, Role.AUDITOR, Role.ADMIN
)
STAFF = frozenset({CW, SUP})
AUTHORITIES = frozenset({Role.BORDER_GUARD, Role.MIGRATION_OFFICE, Role.ESCORT, Role.EMBASSY_LIAISON})

# Routes anyone may call, signed in or not.
PUBLIC: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/health"), ("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/metrics"),
    ("POST", "/auth/token"),
    # The browser's CORS preflight for the codec carries no credentials.
    ("OPTIONS", "/codec/decode"), ("OPTIONS", "/codec/encode"),
    # The web interface's sign-in form (its post is CSRF-protected).
    ("GET", "/ui/login"), ("POST", "/ui/login"),
    # Another Homeward installation: authenticated by the message's signature (api/exchange_inbox).
    ("POST", "/exchange/v1/messages"),
})

POLICY: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/auth/me"): frozenset(Role),
    ("POST", "/auth/logout"): frozenset(Role),
    ("POST", "/cases"): STAFF,
    ("GET", "/cases"): STAFF | {AUDITOR},
    ("GET", "/cases/{case_id}"): STAFF,
    ("GET", "/cases/{case_id}/household"): STAFF,
    ("GET", "/cases/{case_id}/timeline"): STAFF | {AUDITOR},
    ("GET", "/notifications"): frozenset(Role),
    ("POST", "/notifications/{notification_id}/read"): frozenset(Role),
    ("GET", "/audit"): frozenset({AUDITOR}),
    ("GET", "/cases/{case_id}/audit"): frozenset({SUP, AUDITOR}),
    ("GET", "/people/{member_id}/export"): frozenset({ADMIN}),
    ("GET", "/users"): frozenset({ADMIN}),
    ("POST", "/users"): frozenset({ADMIN}),
    ("PATCH", "/users/{user_id}"): frozenset({ADMIN}),
    # Each user's own language (the interface's and the e-mails').
    ("PUT", "/users/me/language"): frozenset(Role),
    ("GET", "/projects"): STAFF | {AUDITOR, ADMIN},
    ("POST", "/projects"): frozenset({ADMIN}),
    ("GET", "/projects/{project_id}"): STAFF | {AUDITOR, ADMIN},
    ("PATCH", "/projects/{project_id}"): frozenset({ADMIN}),
    ("POST", "/cases/{case_id}/project"): frozenset({SUP}),
    ("GET", "/projects/{project_id}/activities"): STAFF | {AUDITOR, ADMIN},
    ("POST", "/projects/{project_id}/activities"): frozenset({SUP, ADMIN}),
    ("PATCH", "/projects/{project_id}/activities/{activity_id}"): frozenset({SUP, ADMIN}),
    ("GET", "/projects/{project_id}/report"): frozenset({SUP, AUDITOR, ADMIN}),
    ("GET", "/projects/{project_id}/targets"): STAFF | {AUDITOR, ADMIN},
    ("PUT", "/projects/{project_id}/targets"): frozenset({ADMIN}),
    ("GET", "/reports/portfolio"): frozenset({SUP, AUDITOR, ADMIN}),
    # Outreach without a case: counts only, no names (api/routes/outreach.py).
    ("GET", "/projects/{project_id}/outreach"): STAFF | {AUDITOR, ADMIN},
    ("POST", "/projects/{project_id}/outreach"): STAFF,
    ("POST", "/outreach/{contact_id}/case"): STAFF,
    # After departure. Partners: only cases handed over to them (api/deps.PartnerCaseDep).
    ("GET", "/cases/{case_id}/reintegration"): STAFF | {PARTNER, AUDITOR},
    ("GET", "/partners"): STAFF | {ADMIN},
    ("POST", "/partners"): frozenset({ADMIN}),
    ("PATCH", "/partners/{partner_id}"): frozenset({ADMIN}),
    ("GET", "/partner/cases"): frozenset({PARTNER}),
    # Before departure: the partner chosen with the returnee and the needs assessment (the
    # partner reads it once the returnee consented to share data with it: PartnerCaseDep).
    ("GET", "/exchange/proposals"): STAFF,
    ("GET", "/ui/exchange/proposals"): STAFF,
    ("POST", "/ui/exchange/proposals/{case_id}/answer"): STAFF,
    ("POST", "/exchange/proposals/{case_id}/answer"): STAFF,
    ("GET", "/cases/{case_id}/partner-options"): STAFF,
    ("PUT", "/cases/{case_id}/needs-assessment"): STAFF,
    ("GET", "/cases/{case_id}/needs-assessment"): STAFF | {PARTNER},
    ("POST", "/ui/cases/{case_id}/needs-assessment"): STAFF,
    ("GET", "/cases/{case_id}/costs"): STAFF,
    ("GET", "/projects/{project_id}/budget"): STAFF | {AUDITOR, ADMIN},
    ("POST", "/projects/{project_id}/import"): frozenset({SUP, ADMIN}),
    # Work queue and supervision.
    ("GET", "/tasks"): STAFF,
    ("GET", "/tasks/approvals"): frozenset({SUP}),
    ("GET", "/tasks/counts"): STAFF,
    ("GET", "/supervision/stuck"): frozenset({SUP}),
    ("POST", "/cases/{case_id}/external-call-retry"): frozenset({SUP}),
    # Decrypting workflow payloads shows personal data: supervisors only.
    ("POST", "/codec/decode"): frozenset({SUP}),
    ("POST", "/codec/encode"): frozenset({SUP}),
    # The web interface: each page follows the rule of the API route it shows or acts on.
    ("POST", "/ui/logout"): frozenset(Role),
    ("POST", "/ui/language"): frozenset(Role),
    ("GET", "/ui"): frozenset(Role),
    ("GET", "/ui/cases"): STAFF | {AUDITOR},
    ("GET", "/ui/cases/new"): STAFF,
    ("POST", "/ui/cases/new"): STAFF,
    ("GET", "/ui/cases/{case_id}"): STAFF,
    # Each action is checked again against its decision's declared roles (api/web/catalogue.py).
    # A partner only on the cases handed over to its organisation (PartnerCaseDep).
    ("POST", "/ui/cases/{case_id}/actions/{action}"): STAFF | AUTHORITIES | {
        PARTNER, Role.TRAVEL_DESK},
    ("GET", "/ui/partner"): frozenset({PARTNER}),
    ("GET", "/ui/supervision/stuck"): frozenset({SUP}),
    ("POST", "/ui/cases/{case_id}/retry-now"): frozenset({SUP}),
    ("GET", "/ui/departures"): STAFF | {Role.BORDER_GUARD, Role.ESCORT},
    # The travel desk (HOMEWARD_BOOKING=desk): open booking requests with what it needs to
    # book (names, dates of birth, passports), its decisions through its page's forms.
    ("GET", "/travel-desk/requests"): frozenset({Role.TRAVEL_DESK, SUP}),
    ("GET", "/ui/travel-desk"): frozenset({Role.TRAVEL_DESK}),
    ("POST", "/travel-desk/cases/{case_id}/e-ticket"): frozenset({Role.TRAVEL_DESK}),
    ("GET", "/ui/reports"): frozenset({SUP, AUDITOR, ADMIN}),
    ("GET", "/ui/reports/download"): frozenset({SUP, AUDITOR, ADMIN}),
    ("GET", "/ui/reports/portfolio"): frozenset({SUP, AUDITOR, ADMIN}),
    ("GET", "/ui/outreach"): STAFF | {AUDITOR, ADMIN},
    ("POST", "/ui/outreach"): STAFF,
    # A case's documents (encrypted at rest): staff; a partner only delivery evidence of the
    # cases handed over to it (PartnerCaseDep; the kinds filtered in api/document_access.py).
    ("POST", "/cases/{case_id}/documents"): STAFF | {PARTNER},
    ("GET", "/cases/{case_id}/documents"): STAFF | {PARTNER},
    ("GET", "/cases/{case_id}/documents/{document_id}"): STAFF | {PARTNER},
    ("POST", "/cases/{case_id}/documents/{document_id}/versions"): STAFF,
    ("POST", "/ui/cases/{case_id}/documents"): STAFF | {PARTNER},
    ("GET", "/ui/cases/{case_id}/documents/{document_id}"): STAFF | {PARTNER},
    ("POST", "/ui/cases/{case_id}/documents/{document_id}/versions"): STAFF,
    # Papers generated to print and sign, kept as documents of the case (staff).
    ("POST", "/cases/{case_id}/documents/generated/declaration"): STAFF,
    ("POST", "/cases/{case_id}/documents/generated/grant-receipt"): STAFF,
    ("POST", "/ui/cases/{case_id}/documents/generated/declaration"): STAFF,
    ("POST", "/ui/cases/{case_id}/documents/generated/grant-receipt"): STAFF,
    **{("POST", decision.path): decision.roles for decision in DECISIONS},
    # Bank transfers of grants: staff record the returnee's account; finance makes the
    # transfer files and uploads the bank's statements (its page follows the same rule).
    ("PUT", "/cases/{case_id}/bank-account"): STAFF,
    ("GET", "/cases/{case_id}/bank-account"): STAFF | {Role.FINANCE},
    ("GET", "/payments/instructions"): frozenset({Role.FINANCE}),
    ("POST", "/payments/exports"): frozenset({Role.FINANCE}),
    ("GET", "/payments/exports"): frozenset({Role.FINANCE}),
    ("GET", "/payments/exports/{export_id}/file"): frozenset({Role.FINANCE}),
    ("POST", "/payments/statements"): frozenset({Role.FINANCE}),
    ("POST", "/ui/cases/{case_id}/bank-account"): STAFF,
    ("GET", "/ui/finance"): frozenset({Role.FINANCE}),
    ("POST", "/ui/finance/exports"): frozenset({Role.FINANCE}),
    ("GET", "/ui/finance/exports/{export_id}/file"): frozenset({Role.FINANCE}),
    ("POST", "/ui/finance/statements"): frozenset({Role.FINANCE}),
    # The embassy directory: admins keep it, staff read where letters go.
    ("GET", "/embassies"): STAFF | {ADMIN},
    ("POST", "/embassies"): frozenset({ADMIN}),
    ("PATCH", "/embassies/{country}"): frozenset({ADMIN}),
    # Case notes: staff; restricted notes and the author's own changes are checked in api/notes.py.
    ("GET", "/cases/{case_id}/notes"): STAFF,
    ("POST", "/cases/{case_id}/notes"): STAFF,
    ("PATCH", "/cases/{case_id}/notes/{note_id}"): STAFF,
    ("POST", "/ui/cases/{case_id}/notes"): STAFF,
    ("POST", "/ui/cases/{case_id}/notes/{note_id}"): STAFF,
    # A case's people after intake: corrections (with their history), joining, leaving.
    ("POST", "/cases/{case_id}/people"): STAFF,
    ("PATCH", "/cases/{case_id}/people/{member_id}"): STAFF,
    ("POST", "/cases/{case_id}/people/{member_id}/removal"): STAFF,
    ("GET", "/cases/{case_id}/people/{member_id}/changes"): STAFF,
    ("POST", "/ui/cases/{case_id}/people"): STAFF,
    ("POST", "/ui/cases/{case_id}/people/{member_id}"): STAFF,
    ("POST", "/ui/cases/{case_id}/people/{member_id}/removal"): STAFF,
    # Need to know (api/need_to_know.py): a restricted case is "not found" to anyone else.
    ("GET", "/cases/{case_id}/access"): STAFF,
    ("POST", "/cases/{case_id}/access/{user_id}"): frozenset({SUP}),
    ("DELETE", "/cases/{case_id}/access/{user_id}"): frozenset({SUP}),
    ("POST", "/cases/{case_id}/sensitive"): frozenset({SUP}),
    ("DELETE", "/cases/{case_id}/sensitive"): frozenset({SUP}),
    ("POST", "/cases/{case_id}/break-glass"): STAFF,
    # The service directory: admins keep it, staff read it to refer people.
    ("GET", "/services"): STAFF | {ADMIN},
    ("POST", "/services"): frozenset({ADMIN}),
    ("PATCH", "/services/{service_id}"): frozenset({ADMIN}),
    # Referrals: staff; the partner of a case handed over to it, after the return
    # (PartnerCaseDep; api/referrals.py refuses a partner's referral before departure).
    ("GET", "/cases/{case_id}/referrals"): STAFF | {PARTNER},
    ("POST", "/cases/{case_id}/referrals"): STAFF | {PARTNER},
    ("POST", "/cases/{case_id}/referrals/consents"): STAFF | {PARTNER},
    ("POST", "/cases/{case_id}/referrals/{referral_id}/outcome"): STAFF | {PARTNER},
    ("POST", "/ui/cases/{case_id}/access"): frozenset({SUP}),
    ("POST", "/ui/cases/{case_id}/access/{user_id}/remove"): frozenset({SUP}),
    ("POST", "/ui/cases/{case_id}/sensitive"): frozenset({SUP}),
    ("GET", "/ui/break-glass"): STAFF,
    ("POST", "/ui/break-glass"): STAFF,
    ("POST", "/ui/cases/{case_id}/referral-consents"): STAFF,
    ("POST", "/ui/cases/{case_id}/referrals"): STAFF,
    ("POST", "/ui/cases/{case_id}/referrals/{referral_id}/outcome"): STAFF,
    ("GET", "/ui/services"): STAFF | {ADMIN},
    ("POST", "/ui/services"): frozenset({ADMIN}),
    ("POST", "/ui/services/{service_id}"): frozenset({ADMIN}),
    # Consent by purpose, minors' handovers at arrival (issue 22)
    ("GET", "/cases/{case_id}/consents"): STAFF,
    ("POST", "/cases/{case_id}/consents"): STAFF,
    ("GET", "/cases/{case_id}/minors/handover-records"): STAFF | {PARTNER},
    ("POST", "/cases/{case_id}/minors/handover-records"): STAFF | {PARTNER},
    ("POST", "/ui/cases/{case_id}/consents"): STAFF,
    ("POST", "/ui/cases/{case_id}/minors/handover"): STAFF,
}

# Reads of a case's personal data: each one is written to the audit trail.
PERSONAL_DATA_READS: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/cases/{case_id}"),
    ("GET", "/cases/{case_id}/household"),
    ("GET", "/people/{member_id}/export"),
    ("GET", "/ui/cases/{case_id}"),
    ("GET", "/cases/{case_id}/documents/{document_id}"),
    ("GET", "/ui/cases/{case_id}/documents/{document_id}"),
    # Filenames may name the person ("passport Beridze.pdf").
    ("GET", "/cases/{case_id}/documents"),
    ("GET", "/cases/{case_id}/notes"),
    # The travel desk's requests name the travellers, with their passports.
    ("GET", "/travel-desk/requests"),
    ("GET", "/ui/travel-desk"),
    # Old and new values of corrected names, dates of birth, passport numbers.
    ("GET", "/cases/{case_id}/people/{member_id}/changes"),
    # Referrals name the person's reason to be referred; who may see a restricted case.
    ("GET", "/cases/{case_id}/referrals"),
    ("GET", "/cases/{case_id}/access"),
    # Who stated a consent; whom a child was handed over to.
    ("GET", "/cases/{case_id}/consents"),
    ("GET", "/cases/{case_id}/minors/handover-records"),
    # The needs assessment (health, housing); a partner's page names its returnees.
    ("GET", "/cases/{case_id}/needs-assessment"),
    ("GET", "/ui/partner"),
})
# Lists read as personal data when searched by person (a name, a date of birth, a passport
# number: the answer tells who is in which case); audited as "<method> <path>?person", the
# search itself is not kept (it is personal data).
PERSON_SEARCHES: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/cases"),
    ("GET", "/ui/cases"),
})


def allowed(method: str, path: str, role: Role) -> bool:
    return role in POLICY.get((method, path), frozenset())
