"""The production docker-compose.yml and Dockerfile: valid, dependencies wait for health,
the worker scales, separate databases on named volumes, one image for the app services.

No Docker needed: the files are read as YAML/text and checked against the vendored Compose
specification schema and against the application's own settings and packaging.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from core.settings import Settings
from tests.deploy.compose import (
    APP_SERVICES,
    DOCKERFILE,
    ROOT,
    SCHEMA_FILE,
    environment,
    interpolate,
    long_running,
)

# --- (1) the file is a valid Compose file ------------------------------------------------------


def test_vendored_schema_is_the_compose_specification() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"
    assert "service" in schema["definitions"]


def test_compose_file_validates_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path)
    )
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_the_schema_rejects_an_invalid_file(compose: dict[str, Any]) -> None:
    """Guards the test above: a typo'd key or a bad depends_on condition is caught."""
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA_FILE.read_text()))
    typo = {**compose, "services": {**compose["services"], "api": {"imag": "x"}}}
    bad_condition = {
        "services": {"a": {"image": "x", "depends_on": {"b": {"condition": "healthy"}}}}
    }
    assert not validator.is_valid(typo)
    assert not validator.is_valid(bad_condition)


def test_all_expected_services_are_defined(services: dict[str, Any]) -> None:
    assert set(services) == {
        "temporal-db", "temporal", "temporal-ui", "app-db", "migrate", "api", "worker"
    }


# --- (3) dependencies wait for health ---------------------------------------------------------


def test_depends_on_uses_the_long_form_with_a_condition(services: dict[str, Any]) -> None:
    with_dependencies = {n: s["depends_on"] for n, s in services.items() if "depends_on" in s}
    assert set(with_dependencies) >= {"temporal", "temporal-ui", "migrate", "api", "worker"}
    for name, depends_on in with_dependencies.items():
        assert isinstance(depends_on, dict), f"{name}: depends_on must be the long form"
        for target, spec in depends_on.items():
            assert target in services, f"{name} depends on unknown service {target}"
            assert spec.get("condition"), f"{name} -> {target}: no condition"


def test_dependencies_wait_for_health_or_completion(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for target, spec in (service.get("depends_on") or {}).items():
            if long_running(services[target]):
                assert spec["condition"] == "service_healthy", f"{name} -> {target}"
                assert "healthcheck" in services[target], f"{target} has no healthcheck"
            else:
                assert spec["condition"] == "service_completed_successfully", f"{name} -> {target}"


def test_every_long_running_service_has_a_healthcheck(services: dict[str, Any]) -> None:
    for name, service in services.items():
        if long_running(service):
            test = service.get("healthcheck", {}).get("test")
            assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name}: no healthcheck"
            assert not service["healthcheck"].get("disable"), name


def test_migration_job_runs_once_before_the_api_and_the_worker(
    services: dict[str, Any],
) -> None:
    migrate = services["migrate"]
    assert migrate["command"] == ["homeward", "migrate"]
    assert not long_running(migrate)
    assert "healthcheck" not in migrate
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["homeward"] == "core.cli:app"


def test_healthchecks_probe_the_right_things(services: dict[str, Any]) -> None:
    def command(name: str) -> str:
        return " ".join(services[name]["healthcheck"]["test"][1:])

    assert "pg_isready" in command("app-db") and "-d homeward" in command("app-db")
    assert "pg_isready" in command("temporal-db")
    assert "temporal operator cluster health" in command("temporal")
    assert "http://127.0.0.1:8000/health" in command("api")
    assert command("api").startswith("python ")  # curl is not in python:3.11-slim
    worker_check = command("worker").split()[-1]
    assert (ROOT / worker_check.removeprefix("/app/")).is_file()


# --- (5) the worker scales --------------------------------------------------------------------


def test_worker_can_scale(compose: dict[str, Any], services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert worker["command"] == ["python", "-m", "worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")
    assert "hostname" not in worker
    replicas = worker["deploy"]["replicas"]
    assert int(interpolate(replicas, {})) == 2
    assert int(interpolate(replicas, {"WORKER_REPLICAS": "5"})) == 5


def test_worker_stops_gracefully(services: dict[str, Any]) -> None:
    grace = services["worker"]["stop_grace_period"]
    seconds = int(re.fullmatch(r"(\d+)s", grace).group(1))  # type: ignore[union-attr]
    shutdown = Settings.model_fields.get("worker_graceful_shutdown_seconds")
    assert seconds > (shutdown.default if shutdown else 20)


# --- data and images --------------------------------------------------------------------------


def test_databases_are_separate_with_named_volumes(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    named = set(compose["volumes"])
    mounts = {}
    for name in ("temporal-db", "app-db"):
        (volume,) = services[name]["volumes"]
        source, target = volume.split(":")[:2]
        assert source in named, f"{name} must use a named volume"
        assert target == "/var/lib/postgresql/data"
        mounts[name] = source
    assert mounts["temporal-db"] != mounts["app-db"]
    assert environment(services["temporal"])["POSTGRES_SEEDS"] == "temporal-db"
    assert "@app-db:" in environment(services["api"])["HOMEWARD_DATABASE_URL"]


def test_temporal_dynamic_config_exists(services: dict[str, Any]) -> None:
    temporal = services["temporal"]
    (mount,) = temporal["volumes"]
    host, container = mount.split(":")[:2]
    path = environment(temporal)["DYNAMIC_CONFIG_FILE_PATH"]
    assert container == "/etc/temporal/" + str(Path(path).parent)
    config = ROOT / host / Path(path).name
    assert isinstance(yaml.safe_load(config.read_text()), dict)


def test_app_services_build_the_same_image(services: dict[str, Any]) -> None:
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        assert services[name]["build"]["context"] == "."


def test_dockerfile_copies_every_installed_module() -> None:
    """`pip install .` in the image needs every package pyproject.toml installs."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = [p.rstrip("*") for p in setuptools["packages"]["find"]["include"]]
    modules = [f"{m}.py" for m in setuptools.get("py-modules", [])]
    copied = {
        source.rstrip("/")
        for line in DOCKERFILE.read_text().splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for source in line.split()[1:-1]
    }
    missing = [p for p in [*packages, *modules, "alembic.ini", "pyproject.toml"] if p not in copied]
    assert not missing, f"Dockerfile does not copy {missing}"


def test_dockerfile_runs_the_api_as_a_non_root_user() -> None:
    lines = [line.strip() for line in DOCKERFILE.read_text().splitlines()]
    assert "FROM python:3.11-slim" in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    cmd = json.loads(next(line for line in lines if line.startswith("CMD "))[4:])
    assert cmd == [
        "uvicorn", "api.main:app_factory", "--factory", "--host", "0.0.0.0", "--port", "8000"
    ]


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = {
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "data", ".env", "test-artifacts"} <= ignored
