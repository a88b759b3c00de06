"""Data protection: a case's audit trail, and the subject access export of one person."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from sqlmodel import col, func, select

from api.consent import history as consent_history
from api.deps import CaseDep, SessionDep, SettingsDep, TemporalDep, found
from api.document_service import public
from api.household_service import changes as household_changes
from api.live import LiveStateUnavailable, read_live_state
from api.minors import handovers as minor_handovers
from api.notes import every_note
from api.referrals import view as referral_view
from models.documents import Document
from models.payloads import CaseState
from models.privacy import Anonymisation
from models.schemas import CasePublic, HouseholdMemberPublic
from models.schemas_changes import PersonChangePublic
from models.schemas_consent import MinorHandoverPublic, PurposeConsentPublic
from models.schemas_documents import DocumentPublic
from models.schemas_privacy import SubjectAccessExport
from models.schemas_users import AuditEntriesPublic, AuditEntryPublic
from models.tables import Case, HouseholdMember
from models.users import AuditEntry

router = APIRouter(tags=["data protection"])


def _case_audit(session: SessionDep, case_id: str) -> list[AuditEntryPublic]:
    rows = session.exec(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(col(AuditEntry.id))
    ).all()
    return [AuditEntryPublic.model_validate(r, from_attributes=True) for r in rows]


@router.get("/cases/{case_id}/audit", response_model=AuditEntriesPublic)
def case_audit(case: CaseDep, session: SessionDep) -> AuditEntriesPublic:
    """Who did or read what on this case, oldest first."""
    entries = _case_audit(session, case.id)
    return AuditEntriesPublic(data=entries, count=len(entries))


@router.get("/people/{member_id}/export", response_model=SubjectAccessExport)
async def subject_access_export(
    member_id: str, request: Request, session: SessionDep, client: TemporalDep,
    settings: SettingsDep,
) -> SubjectAccessExport:
    """Everything held about one person, for a subject access request (admins)."""
    member = found(session, HouseholdMember, member_id, "person")
    request.state.audit_case_id = member.case_id
    case = session.get(Case, member.case_id)
    assert case is not None  # a foreign key holds it
    size = session.exec(  # the household now: a member who left it is not counted
        select(func.count()).select_from(HouseholdMember).where(
            HouseholdMember.case_id == case.id, col(HouseholdMember.removed_at).is_(None)
        )
    ).one()
    anonymised = session.get(Anonymisation, case.id)
    audit = _case_audit(session, case.id)
    notes = every_note(session, case.id, settings.note_edit_minutes)
    documents, others = _documents_of(session, member)
    changes = [PersonChangePublic(**c) for c in household_changes(session, case.id, member_id)]
    consents = [PurposeConsentPublic.model_validate(c, from_attributes=True)
                for c in consent_history(session, case.id) if c.member_id == member_id]
    referrals = [r for r in referral_view(session, case, settings, datetime.now(UTC)).data
                 if r.member_id == member_id]
    handover = next((MinorHandoverPublic.model_validate(h, from_attributes=True)
                     for h in minor_handovers(session, case.id) if h.member_id == member_id), None)
    session.close()  # hold no connection while awaiting Temporal
    state: CaseState | None = None
    try:
        state = await read_live_state(client, case.id)
    except LiveStateUnavailable:
        pass  # the export still holds everything the database has
    return SubjectAccessExport(
        exported_at=datetime.now(UTC),
        person=HouseholdMemberPublic.model_validate(member, from_attributes=True),
        case=CasePublic.model_validate(case, from_attributes=True),
        household_size=size,
        workflow_state=state,
        anonymised_at=anonymised.anonymised_at if anonymised else None,
        audit=audit,
        notes=notes,
        documents=documents,
        other_members_documents=others,
        changes=changes,
        consents=consents,
        referrals=referrals,
        minor_handover=handover,
    )


def _documents_of(session: SessionDep, member: HouseholdMember) -> tuple[list[DocumentPublic], int]:
    """The person's documents and the whole case's (a declaration of the household), and how
    many documents of the other members were left out: theirs is their personal data."""
    rows = session.exec(
        select(Document).where(Document.case_id == member.case_id)
        .order_by(col(Document.created_at), col(Document.id))
    ).all()
    mine = [d for d in rows if d.member_id in (None, member.id)]
    return public(session, mine), len(rows) - len(mine)
