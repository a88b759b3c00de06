"""SQLModel tables. A table object never travels through Temporal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import (
    CaseStatus,
    ClosureReason,
    Fund,
    LegalSituation,
    LocationType,
    Relationship,
    Sex,
    Stage,
)
from models.name_keys import document_key, name_key


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def enum_type(enum: type) -> sa.Enum:
    """Enums stored as their values in a plain string column, so new members need no ALTER TYPE."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=40,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Project(SQLModel, table=True):
    """A funded project every case runs under: fund, period, budget, co-financing, targets."""

    __tablename__ = "projects"

    id: str = Field(primary_key=True, max_length=36)
    fund: Fund = Field(sa_type=enum_type(Fund))
    code: str = Field(unique=True, index=True, max_length=40)
    title: str = Field(max_length=300)
    period_start: date
    period_end: date
    currency: str = Field(max_length=3, description="ISO 4217, e.g. EUR")
    total_budget: Decimal = Field(sa_type=sa.Numeric(14, 2))
    eu_share_percent: Decimal = Field(sa_type=sa.Numeric(5, 2))
    national_share_percent: Decimal = Field(sa_type=sa.Numeric(5, 2))
    # Named targets, e.g. {"persons_returned": 120, "persons_reintegrated": 80}.
    targets: dict[str, int] = Field(default_factory=dict, sa_type=sa.JSON)
    # The CasePolicy (models/policy.py) the project's cases run under, as JSON; None: defaults.
    policy: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow)


class Case(SQLModel, table=True):
    """The case record and the projection of its workflow's state, for fast lists."""

    __tablename__ = "cases"
    # The stuck list counts each severity's range from its index alone and reads its page in
    # the index's order, (time, id), stopping at the page's end (api/stuck.py).
    __table_args__ = (
        # A case list filtered by stage, status or project, newest first, reads its page in
        # index order (one project, or one stage, can hold every case).
        sa.Index("ix_cases_stage_created", "stage", "created_at", "id"),
        sa.Index("ix_cases_status_created", "status", "created_at", "id"),
        sa.Index("ix_cases_project_created", "project_id", "created_at", "id"),
        # A donor report counts a project's departures, reintegrations and closures of a
        # period from these alone (each holds every column the report reads of such a case).
        sa.Index("ix_cases_project_departure", "project_id", "departure_date", "created_at",
                 "id", "country_of_origin", "legal_situation"),
        sa.Index("ix_cases_project_reintegration", "project_id", "reintegration_date", "id"),
        sa.Index("ix_cases_project_closed", "project_id", "status", "closed_date",
                 "closure_reason", "id"),
        sa.Index("ix_cases_first_deadline_due", "first_deadline_due", "id"),
        # Persons returned per month on the dashboard: the departed cases from this alone.
        sa.Index("ix_cases_departure_stage", "departure_date", "stage", "id", "persons"),
        sa.Index("ix_cases_first_task_due", "first_task_due", "id", "first_deadline_due"),
        sa.Index(
            "ix_cases_first_risk_from",
            "first_risk_from", "id", "first_deadline_due", "first_task_due",
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    reference: str = Field(unique=True, index=True, max_length=32)
    project_id: str = Field(foreign_key="projects.id", max_length=36)
    # Indexed: every case list is newest first.
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    # (stage, status and project_id are indexed with created_at: __table_args__)
    stage: Stage = Field(default=Stage.INTAKE, sa_type=enum_type(Stage))
    status: CaseStatus = Field(default=CaseStatus.ACTIVE, sa_type=enum_type(CaseStatus))
    country_of_origin: str = Field(max_length=2, index=True)
    legal_situation: LegalSituation = Field(sa_type=enum_type(LegalSituation))
    location_type: LocationType = Field(sa_type=enum_type(LocationType))
    location_name: str | None = Field(default=None, max_length=200)
    return_decision_date: date | None = None
    voluntary_departure_deadline: date | None = None
    preferred_language: str | None = Field(default=None, max_length=50)
    destination_city: str | None = Field(default=None, max_length=100)
    # Projected from the workflow for lists.
    closure_reason: ClosureReason | None = Field(
        default=None, index=True, sa_type=enum_type(ClosureReason)
    )
    departure_date: date | None = Field(default=None, index=True)
    arrival_date: date | None = None
    reintegration_date: date | None = None  # the first reintegration help delivered
    closed_date: date | None = None
    # Imported cases: the reference of the row in the programme's own records (unique).
    external_ref: str | None = Field(default=None, unique=True, index=True, max_length=100)
    grant_receipt_ref: str | None = Field(default=None, max_length=100)
    # What the case waits for (no personal data), and whether that is a caseworker's decision.
    awaiting: str | None = Field(default=None, max_length=300)
    awaiting_caseworker: bool = Field(default=False, index=True)
    # The partner organisation the case was handed over to; partners see only these cases.
    partner_id: str | None = Field(default=None, index=True, max_length=100)
    # The caseworker the case is assigned to (a user id); projected from the workflow.
    assignee_id: str | None = Field(default=None, index=True, max_length=100)
    idempotency_key: str | None = Field(default=None, unique=True, max_length=200)
    # Version of the workflow state last projected; older writes never overwrite newer ones.
    projected_version: int = Field(default=0)
    # Its earliest open human task's due time, deadline's due time and deadline's at-risk
    # time, written with its case_tasks/case_deadlines rows (activities/projection.py): the
    # stuck list ranks cases on these indexed columns instead of grouping every row.
    # (Indexed with the columns each severity's range is checked against: __table_args__.)
    first_task_due: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    first_deadline_due: datetime | None = Field(
        default=None, sa_type=sa.DateTime(timezone=True)
    )
    first_risk_from: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Need to know (api/need_to_know.py): a trafficking victim or an unaccompanied minor in
    # the household (kept by the listener below), or marked sensitive by a supervisor.
    restricted: bool = Field(default=False, index=True)
    # How many of its household's members did not leave it: kept by the database's triggers
    # on household_member (migration 0033), read by persons returned per month. Never set here.
    persons: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    sensitive_reason: str | None = Field(default=None, max_length=500)


class ReferenceCounter(SQLModel, table=True):
    """Per office and year sequence behind references like LV-2026-000042."""

    __tablename__ = "reference_counter"

    office: str = Field(primary_key=True, max_length=3)
    year: int = Field(primary_key=True)
    last: int = Field(default=0)


class HouseholdMember(SQLModel, table=True):
    """One person of a case's household; the personal data the workflow never carries."""

    __tablename__ = "household_member"
    # Finding a person (api/people.py): a name by its key's prefix, the same person by keys
    # and date of birth, a passport by its key; each an index range, never a scan.
    __table_args__ = (
        sa.Index("ix_household_member_family_key", "family_key", "given_key"),
        sa.Index("ix_household_member_given_key", "given_key"),
        sa.Index("ix_household_member_date_of_birth", "date_of_birth"),
        sa.Index("ix_household_member_document_key", "document_key"),
        # Persons returned: the members still in the household, from the index alone.
        sa.Index("ix_household_member_case_removed", "case_id", "removed_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    position: int = Field(default=0, description="0 is the principal applicant")
    relationship: Relationship = Field(sa_type=enum_type(Relationship))
    given_name: str = Field(max_length=200)
    family_name: str = Field(max_length=200)
    date_of_birth: date
    sex: Sex = Field(sa_type=enum_type(Sex))
    nationality: str = Field(max_length=2)
    passport_number: str | None = Field(default=None, max_length=50)
    passport_valid_until: date | None = None
    # Vulnerability flag values, e.g. ["medical_condition"].
    vulnerabilities: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # Search keys (models/name_keys.py), kept in step with the names and the passport number
    # by every ORM write (below): opening, import, correction, anonymisation.
    family_key: str | None = Field(default=None, max_length=200)
    given_key: str | None = Field(default=None, max_length=200)
    document_key: str | None = Field(default=None, max_length=50)
    # Left the household before departure (api/household_service.py): kept, no longer travels.
    removed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    removal_reason: str | None = Field(default=None, max_length=2000)

    def refresh_keys(self) -> None:
        self.family_key = name_key(self.family_name)
        self.given_key = name_key(self.given_name)
        self.document_key = document_key(self.passport_number)


@sa.event.listens_for(HouseholdMember, "before_insert")
@sa.event.listens_for(HouseholdMember, "before_update")
def _keys_follow_the_person(mapper: Any, connection: Any, member: HouseholdMember) -> None:
    member.refresh_keys()


@sa.event.listens_for(HouseholdMember, "after_insert")
@sa.event.listens_for(HouseholdMember, "after_update")
def _protected_people_restrict_their_case(
    mapper: Any, connection: Any, member: HouseholdMember
) -> None:
    # Every write of a person (opening, import, correction) re-derives the case's restriction
    # in the same transaction, so no path can leave a trafficking victim's case open to all.
    refresh_restriction(connection, member.case_id)


def refresh_restriction(connection: Any, case_id: str) -> None:
    """Derive the case's ``restricted`` flag from its people and its sensitive mark. Writers
    of household rows that bypass the ORM (a bulk UPDATE) call it themselves."""
    from models.protection import PROTECTED_VULNERABILITIES

    cases, members = Case.__table__, HouseholdMember.__table__  # type: ignore[attr-defined]
    flags = sa.cast(members.c.vulnerabilities, sa.String)
    protected = sa.exists().where(members.c.case_id == case_id).where(
        sa.or_(*(flags.contains(f'"{v}"') for v in PROTECTED_VULNERABILITIES))
    )
    connection.execute(cases.update().where(cases.c.id == case_id).values(
        restricted=sa.or_(cases.c.sensitive_reason.is_not(None), protected)
    ))
