"""The retention job's database work: anonymise the personal data of long-closed cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import structlog
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from temporalio import activity

from core.storage import ObjectStore
from models.consent import MinorHandover, PurposeConsent
from models.documents import Document, DocumentVersion
from models.enums import CaseStatus
from models.notes import CaseNote
from models.partners import NeedsAssessment, PartnerDelivery
from models.person_changes import PersonChange
from models.privacy import ANONYMISED, Anonymisation, RetentionInput, RetentionResult
from models.protection import Referral, ReferralConsent
from models.tables import Case, HouseholdMember

log = structlog.get_logger(__name__)


class RetentionActivities:
    def __init__(self, engine: Engine, store: ObjectStore) -> None:
        self._engine = engine
        self._store = store  # where the cases' documents are kept (core/storage.py)

    @activity.defn(name="anonymise_closed_cases")
    def anonymise_closed_cases(self, data: RetentionInput) -> RetentionResult:
        """Names, document numbers, uploaded documents, the text of notes and the values of
        corrections go, and the personal content of referrals, consents and minors'
        handovers; sex, nationality, birth year, vulnerabilities, every case fact and who
        wrote a note or changed a field when stay, so reports still count the case.
        Idempotent: done cases are marked and skipped."""
        cutoff = datetime.now(UTC) - timedelta(days=data.retention_days)
        done: list[str] = []
        files = 0
        with Session(self._engine) as session:
            already = select(Anonymisation.case_id)
            cases = session.exec(
                select(Case.id)
                .where(Case.status == CaseStatus.CLOSED)
                .where(col(Case.updated_at) < cutoff)
                .where(col(Case.id).not_in(already))
                .limit(data.batch_size)
            ).all()
            for case_id in cases:
                members = session.exec(
                    select(HouseholdMember).where(HouseholdMember.case_id == case_id)
                ).all()
                for m in members:
                    m.given_name = ANONYMISED
                    m.family_name = ANONYMISED
                    m.passport_number = None
                    # The birth year keeps age bands in reports; the day and month go.
                    m.date_of_birth = date(m.date_of_birth.year, 1, 1)
                    session.add(m)
                session.execute(
                    update(CaseNote).where(col(CaseNote.case_id) == case_id)
                    .values(text=ANONYMISED)
                )
                files += delete_documents(session, self._store, case_id)
                # Corrected names, dates and numbers are the person's data too; which field
                # changed, who changed it and when stay.
                session.execute(
                    update(PersonChange).where(col(PersonChange.case_id) == case_id)
                    .values(old_value=None, new_value=None, reason=ANONYMISED)
                )
                erase_protection(session, case_id)
                # The needs assessment and the packages recorded for a partner's page name
                # the person and their health and housing; no report counts them.
                session.execute(delete(NeedsAssessment).where(
                    col(NeedsAssessment.case_id) == case_id))
                session.execute(delete(PartnerDelivery).where(
                    col(PartnerDelivery.case_id) == case_id))
                session.add(Anonymisation(case_id=case_id, members=len(members)))
                done.append(case_id)
            session.commit()
        if done:
            log.info("cases anonymised", count=len(done), document_files_deleted=files)
        return RetentionResult(case_ids=done)


def erase_protection(session: Session, case_id: str) -> None:
    """Referrals keep their provider, kind, dates and outcome (the report counts them) but
    lose why the person was referred and what the provider answered; consents keep purpose,
    status and date but lose who stated them and the link to the signed form (deleted with
    the documents); a minor's handover keeps the fact and the day, not whom to."""
    session.execute(update(Referral).where(col(Referral.case_id) == case_id)
                    .values(reason=ANONYMISED, answer=None))
    session.execute(update(ReferralConsent).where(col(ReferralConsent.case_id) == case_id)
                    .values(given_by=ANONYMISED, document_id=None))
    session.execute(update(PurposeConsent).where(col(PurposeConsent.case_id) == case_id)
                    .values(given_by=None, document_id=None))
    session.execute(update(MinorHandover).where(col(MinorHandover.case_id) == case_id)
                    .values(to_name=ANONYMISED, relationship=ANONYMISED, identity_check=None,
                            document_id=None))


def delete_documents(session: Session, store: ObjectStore, case_id: str) -> int:
    """Delete the case's documents: every version's file from the store, then the rows (in
    the caller's transaction). Rows are deleted rather than marked: filenames and content
    hashes are personal data too, and no report counts documents. The files go first, so a
    failure leaves rows to find again on the retry, never files nothing points to; deleting
    a missing file is no error, so the retry is safe."""
    versions = session.exec(
        select(DocumentVersion).where(DocumentVersion.case_id == case_id)
    ).all()
    for version in versions:
        store.delete(version.storage_key)
    session.execute(delete(DocumentVersion).where(col(DocumentVersion.case_id) == case_id))
    session.execute(delete(Document).where(col(Document.case_id) == case_id))
    return len(versions)
