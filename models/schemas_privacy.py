"""API schemas of data protection: the subject access export."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from models.payloads import CaseState
from models.schemas import CasePublic, HouseholdMemberPublic
from models.schemas_changes import PersonChangePublic
from models.schemas_consent import MinorHandoverPublic, PurposeConsentPublic
from models.schemas_documents import DocumentPublic
from models.schemas_notes import NotePublic
from models.schemas_protection import ReferralPublic
from models.schemas_users import AuditEntryPublic


class SubjectAccessExport(BaseModel):
    """Everything Homeward holds about one person (GDPR art. 15)."""

    exported_at: datetime
    person: HouseholdMemberPublic
    case: CasePublic
    household_size: int = Field(
        description="Members of the case's household now, the person included (a member "
        "who left it is not counted; their data is not included)"
    )
    workflow_state: CaseState | None = Field(
        default=None, description="The case workflow's state (ids and facts, no names)"
    )
    anonymised_at: datetime | None = None
    audit: list[AuditEntryPublic] = Field(description="Who did or read what on the case")
    notes: list[NotePublic] = Field(
        default_factory=list, description="Every note on the case, restricted ones too, oldest first"
    )
    documents: list[DocumentPublic] = Field(
        default_factory=list,
        description="The documents of this person and of the whole case, each with its versions "
        "(filename, type, size, uploaded at and by; never the content)",
    )
    other_members_documents: int = Field(
        default=0, description="Documents of the case's other members (their data is not included)"
    )
    changes: list[PersonChangePublic] = Field(
        default_factory=list,
        description="Corrections to this person's data (old and new values), joining, leaving",
    )
    consents: list[PurposeConsentPublic] = Field(
        default_factory=list,
        description="This person's consents by purpose (given, refused, withdrawn), newest first",
    )
    referrals: list[ReferralPublic] = Field(
        default_factory=list, description="This person's referrals to specialised services"
    )
    minor_handover: MinorHandoverPublic | None = Field(
        default=None, description="An unaccompanied minor's handover at arrival"
    )
