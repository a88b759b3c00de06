"""The `homeward` command: first administrator, demo users refused in production."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.user_service import DEMO_USERS
from core.cli import app
from core.security import verify_password
from core.settings import Settings, get_settings
from models.enums import Role
from models.tables import Project
from models.users import User


@pytest.fixture
def cli_env(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    monkeypatch.setenv("HOMEWARD_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HOMEWARD_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_create_admin(cli_env: None, engine: Engine) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["create-admin", "--username", "root-admin"],
                           input="a-strong-admin-password\na-strong-admin-password\n")
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "root-admin")).one()
    assert user.role == Role.ADMIN
    assert verify_password(user.password_hash, "a-strong-admin-password")

    again = runner.invoke(app, ["create-admin", "--username", "root-admin"],
                          input="a-strong-admin-password\na-strong-admin-password\n")
    assert again.exit_code == 1
    assert "taken" in again.output

    weak = runner.invoke(app, ["create-admin", "--username", "other"], input="short\nshort\n")
    assert weak.exit_code != 0
    assert "password" in weak.output


def test_demo_users_once_and_never_in_production(
    cli_env: None, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["demo-users"]).exit_code == 0
    assert runner.invoke(app, ["demo-users"]).exit_code == 0
    with Session(engine) as session:
        roles = [u.role for u in session.exec(select(User)).all()]
    assert {Role.CASEWORKER, Role.SUPERVISOR, Role.PARTNER, Role.AUDITOR, Role.ADMIN} <= set(roles)
    assert len(roles) == len(DEMO_USERS)

    monkeypatch.setenv("HOMEWARD_ENVIRONMENT", "production")
    monkeypatch.setenv("HOMEWARD_ALLOW_SIMULATORS", "true")  # a training installation
    monkeypatch.setenv("HOMEWARD_SECRET_KEY", "p" * 40)
    monkeypatch.setenv("HOMEWARD_PAYLOAD_KEYS", "prod-1:" + base64.b64encode(b"k" * 32).decode())
    get_settings.cache_clear()
    refused = runner.invoke(app, ["demo-users"])
    assert refused.exit_code != 0
    assert "demo users" in refused.output
    assert "refused" in refused.output


def test_demo_data_creates_the_default_project_once(
    cli_env: None, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine fixture made "default" already: name another so the command must create it.
    monkeypatch.setenv("HOMEWARD_DEFAULT_PROJECT_CODE", "demo-default")
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(app, ["demo-users"]).exit_code == 0
    assert runner.invoke(app, ["demo-users"]).exit_code == 0
    with Session(engine) as session:
        codes = session.exec(select(Project.code)).all()
    assert sorted(codes) == ["default", "demo-default"]
