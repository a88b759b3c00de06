"""The history of a person's record after intake: each corrected field (old and new value),
a member joining or leaving the household; who, when and why. Database only, never Temporal."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.tables import utcnow

# The fields a correction may change (api/household_service.py), in the order shown.
CORRECTABLE = (
    "given_name", "family_name", "date_of_birth", "sex", "nationality", "passport_number",
    "passport_valid_until",
)
# The history's pseudo-fields for a member joining or leaving.
JOINED, LEFT = "member_joined", "member_left"


class PersonChange(SQLModel, table=True):
    """One change to one person's record. Values are text as shown (dates ISO); anonymisation
    blanks them with the person's own data."""

    __tablename__ = "person_changes"
    # A person's history, and a case's, each read oldest first.
    __table_args__ = (
        sa.Index("ix_person_changes_member", "member_id", "changed_at"),
        sa.Index("ix_person_changes_case", "case_id", "changed_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", max_length=36)
    member_id: str = Field(foreign_key="household_member.id", max_length=36)
    field: str = Field(max_length=40)
    old_value: str | None = Field(default=None, max_length=200)
    new_value: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=2000)
    changed_by: str = Field(foreign_key="users.id", max_length=36)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
