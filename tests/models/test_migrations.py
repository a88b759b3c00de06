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
import models.notes
import models.partners
import models.payments
import models.person_changes
import models.privacy
import models.projects
import models.protection
import models.report_data
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


def test_people_recorded_before_the_search_keys_get_them(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015")
        project = conn.execute(text("SELECT id FROM projects")).scalars().first()
        conn.execute(text(
            "INSERT INTO cases (id, reference, project_id, created_at, updated_at, stage,"
            " status, country_of_origin, legal_situation, location_type, projected_version,"
            " awaiting_caseworker) VALUES ('c1', 'LV-2026-000001', :p, :now, :now, 'intake',"
            " 'active', 'LV', 'other', 'community', 0, false)"
        ), {"now": datetime(2026, 1, 5, tzinfo=UTC), "p": project})
        conn.execute(text(
            "INSERT INTO household_member (id, case_id, position, relationship, given_name,"
            " family_name, date_of_birth, sex, nationality, passport_number, vulnerabilities)"
            " VALUES ('m1', 'c1', 0, 'principal', 'Jānis', 'Bērziņš', '1980-02-01', 'male',"
            " 'LV', 'lv 123-456', '[]')"
        ))
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT family_key, given_key, document_key FROM household_member WHERE id = 'm1'"
        )).one()
    assert tuple(row) == ("berzins", "janis", "LV123456")


def test_projects_named_targets_become_whole_figure_targets(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0022")
        conn.execute(text(
            "UPDATE projects SET targets = :t"
        ), {"t": '{"persons_returned": 120, "training": 4}'})
        project = conn.execute(text("SELECT id FROM projects")).scalars().first()
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT project_id, figure, breakdown, part, target FROM project_targets"
            " ORDER BY figure")).all()
    assert [tuple(r) for r in rows] == [
        (project, "persons_returned", "", "", 120), (project, "training", "", "", 4)]
