"""Tables reports count besides cases: targets with their breakdowns, outreach without a
case, and the reintegration facts (plan components, monitoring scores) copied out of the
workflow's state for counting. No names anywhere: codes, dates, counts and amounts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.enums import LocationType, Sex
from models.reintegration_facts import PlanFact, ScoreFact
from models.tables import enum_type, utcnow

TOTAL = ""  # the part of a target (or its breakdown) that is the whole figure


class ProjectTarget(SQLModel, table=True):
    """A target on one reported figure: the whole (``breakdown`` and ``part`` empty) or one
    part of a breakdown, e.g. persons_returned by country_of_origin, part GR: 295."""

    __tablename__ = "project_targets"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "figure", "breakdown", "part",
                            name="uq_project_targets_figure_part"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True, max_length=36)
    figure: str = Field(max_length=60)
    breakdown: str = Field(default=TOTAL, max_length=40)
    part: str = Field(default=TOTAL, max_length=60)
    target: int = Field(ge=0)


class OutreachKind(StrEnum):
    INFORMATION_SESSION = "information_session"
    COUNSELLING = "counselling"


AGE_BAND_LABELS = ("0-17", "18-34", "35-59", "60+")


class OutreachContact(SQLModel, table=True):
    """An information session or a counselling contact held before (or without) a case:
    where, when, how many people it reached. Never a name."""

    __tablename__ = "outreach_contacts"

    id: int | None = Field(default=None, primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True, max_length=36)
    kind: OutreachKind = Field(sa_type=enum_type(OutreachKind))
    place_type: LocationType = Field(sa_type=enum_type(LocationType))
    place_name: str = Field(max_length=200)
    held_on: date = Field(index=True)
    # Set when a case is opened for someone counselled here (POST /cases outreach_contact_id).
    case_id: str | None = Field(default=None, foreign_key="cases.id", index=True, max_length=36)
    recorded_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class OutreachReached(SQLModel, table=True):
    """How many persons of one nationality, sex and age band a contact reached."""

    __tablename__ = "outreach_reached"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="outreach_contacts.id", index=True)
    nationality: str = Field(max_length=2)
    sex: Sex = Field(sa_type=enum_type(Sex))
    age_band: str = Field(max_length=10)
    persons: int = Field(ge=1)


class PlanComponentRow(PlanFact, table=True):
    """A case's reintegration plan component as the report counts it (the plan itself lives
    in the workflow's state; its projection writes it here whenever it changes)."""

    __tablename__ = "report_plan_components"
    __table_args__ = (
        sa.PrimaryKeyConstraint("case_id", "component_id"),
        # A report reads one project's deliveries of a period from this index alone, never
        # its whole list of cases.
        sa.Index("ix_report_plan_components_project_delivered", "project_id", "delivered_on",
                 "kind", "level", "actual_cost", "other_beneficiaries"),
    )

    case_id: str = Field(foreign_key="cases.id", max_length=36)
    # The case's project (kept when the case moves: api/routes/projects.py).
    project_id: str = Field(max_length=36)


class MonitoringScoreRow(ScoreFact, table=True):
    """A reported monitoring visit's sustainability score, with the months since arrival."""

    __tablename__ = "report_monitoring_scores"
    __table_args__ = (
        sa.PrimaryKeyConstraint("case_id", "number"),
        # Covering: a report groups a period's scores from the index alone.
        sa.Index("ix_report_monitoring_scores_project_reported", "project_id", "reported_on",
                 "months_after_arrival", "economic", "social", "psychosocial", "overall"),
    )

    case_id: str = Field(foreign_key="cases.id", max_length=36)
    project_id: str = Field(max_length=36)  # the case's project, as above
