"""Project tables besides the project itself: case moves between projects and activities."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.enums import ActivityType
from models.tables import enum_type, utcnow


class ProjectMove(SQLModel, table=True):
    """A case moved to a follow-on project: who, when and why. Never updated or deleted."""

    __tablename__ = "project_moves"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    from_project_id: str = Field(foreign_key="projects.id", max_length=36)
    to_project_id: str = Field(foreign_key="projects.id", max_length=36)
    reason: str = Field(max_length=2000)
    moved_by: str = Field(max_length=100)
    moved_at: datetime = Field(default_factory=utcnow)


class ProjectActivity(SQLModel, table=True):
    """An event a donor counts: a training, consultation, study visit, campaign or study."""

    __tablename__ = "project_activities"

    id: int | None = Field(default=None, primary_key=True)
    project_id: str = Field(foreign_key="projects.id", index=True, max_length=36)
    type: ActivityType = Field(sa_type=enum_type(ActivityType))
    title: str = Field(max_length=300)
    held_on: date = Field(index=True)
    participants_count: int = Field(default=0, ge=0)
    location: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
