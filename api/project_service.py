"""Projects: which project a new case runs under, and the default project of demos."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import Settings
from models.enums import Fund
from models.policy import CasePolicy, GrantPolicy, ReintegrationCaps
from models.schemas_projects import with_required_targets
from models.tables import Project


class ProjectRefused(Exception):
    """The project named (or the default) cannot take a new case; the message says why."""


def find_project_by_code(session: Session, code: str) -> Project | None:
    return session.exec(select(Project).where(Project.code == code)).first()


def project_for_new_case(
    session: Session, project_id: str | None, settings: Settings, today: date
) -> Project:
    """The named project, or the configured default one; refused if unknown or ended."""
    if project_id is None:
        project = find_project_by_code(session, settings.default_project_code)
        if project is None:
            raise ProjectRefused(
                "no project_id given and the default project "
                f"{settings.default_project_code!r} (HOMEWARD_DEFAULT_PROJECT_CODE) does not exist"
            )
    else:
        project = session.get(Project, project_id)
        if project is None:
            raise ProjectRefused(f"project {project_id} does not exist")
    check_open(project, today)
    return project


def check_open(project: Project, today: date) -> None:
    if project.period_end < today:
        raise ProjectRefused(
            f"project {project.code} ended on {project.period_end.isoformat()}"
        )


def project_policy(project: Project) -> CasePolicy:
    """The policy new cases of the project run under: its own, or the defaults with the
    grant and the reintegration caps in the project's currency."""
    if project.policy is not None:
        return CasePolicy.model_validate(project.policy)
    return CasePolicy(
        grant=GrantPolicy(currency=project.currency),
        reintegration=ReintegrationCaps(currency=project.currency),
    )


def ensure_default_project(engine: Engine, settings: Settings) -> Project:
    """Create the default project (HOMEWARD_DEFAULT_PROJECT_CODE) unless it exists."""
    with Session(engine, expire_on_commit=False) as session:
        project = find_project_by_code(session, settings.default_project_code)
        if project is None:
            project = Project(
                id=str(uuid.uuid4()),
                fund=Fund.OTHER,
                code=settings.default_project_code,
                title="Default project",
                period_start=date(2000, 1, 1),
                period_end=date(2099, 12, 31),
                currency="EUR",
                total_budget=Decimal("0.00"),
                eu_share_percent=Decimal("0.00"),
                national_share_percent=Decimal("100.00"),
                targets=with_required_targets({}),
            )
            session.add(project)
            session.commit()
        return project
