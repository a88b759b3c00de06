"""The migrations produce exactly the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import models.costs
import models.documents
import models.embassies
import models.partners
import models.privacy
import models.projects
import models.tables
import models.tasks
import models.timeline
import models.users  # noqa: F401
from core.migrate import alembic_config


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_to_base_removes_every_table(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_cases_opened_before_projects_go_to_a_default_project(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        conn.execute(text(
            "INSERT INTO cases (id, reference, created_at, updated_at, stage, status,"
            " country_of_origin, legal_situation, location_type, projected_version,"
            " awaiting_caseworker) VALUES ('c1', 'LV-2026-000001', :now, :now, 'intake',"
            " 'active', 'GE', 'other', 'community', 0, false)"
        ), {"now": datetime(2026, 1, 5, tzinfo=UTC)})
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT p.code FROM cases c JOIN projects p ON p.id = c.project_id WHERE c.id = 'c1'"
        )).one()
    assert row.code == "default"
