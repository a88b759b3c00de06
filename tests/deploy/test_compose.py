"""The production docker-compose.yml and Dockerfile: valid, consistent with the settings, scalable.

No Docker needed: the files are read as YAML/text and checked against the vendored Compose
specification schema and against the application's own settings and packaging.
"""

from __future__ import annotations

import base64
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from core.modes import check_modes, simulated_systems
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")

SECRETS = {
    "TEMPORAL_DB_PASSWORD", "HOMEWARD_DB_PASSWORD", "HOMEWARD_SECRET_KEY", "HOMEWARD_PAYLOAD_KEYS"
}
# Not secrets, but as required: the real modes of the embassy and the authorities mail them.
MAIL_SETTINGS = {
    "HOMEWARD_SMTP_HOST": "smtp.office.test", "HOMEWARD_SMTP_FROM": "homeward@office.test",
    "HOMEWARD_BORDER_GUARD_EMAILS": "departures@border.test",
    "HOMEWARD_MIGRATION_OFFICE_EMAILS": "notices@migration.test, duty@migration.test",
}
SECRET_KEY = re.compile(r"PASSWORD|PWD|SECRET|TOKEN|API_KEY", re.IGNORECASE)
APP_SERVICES = ("migrate", "api", "worker")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The file as written, before interpolation (what the Compose schema validates)."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


# --- interpolation, as Compose does it (the subset of the syntax this file may use) ---------

_VARIABLE = re.compile(
    r"\$\$"
    r"|\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


class MissingVariable(Exception):
    pass


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Resolve ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err} and $$."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def resolve(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        current = env.get(name)
        missing = current is None or (current == "" and op is not None and op.startswith(":"))
        if op in (":-", "-") and missing:
            return arg
        if op in (":?", "?") and missing:
            raise MissingVariable(f"{name}: {arg}")
        return current or ""

    return _VARIABLE.sub(resolve, value)


def variables(compose: dict[str, Any]) -> dict[str, set[str]]:
    """Every interpolated variable of the file, by the operator it is used with ('' for none)."""
    found: dict[str, set[str]] = {}
    for match in _VARIABLE.finditer(COMPOSE_FILE.read_text()):
        name = match.group("braced") or match.group("bare")
        if name:
            found.setdefault(name, set()).add(match.group("op") or "")
    return found


def environment(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def long_running(service: dict[str, Any]) -> bool:
    return str(service.get("restart", "no")) != "no"


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


# --- (2) HOMEWARD_* variables are settings -----------------------------------------------------


def test_every_homeward_variable_is_a_settings_field(services: dict[str, Any]) -> None:
    fields = set(Settings.model_fields)
    prefix = Settings.model_config["env_prefix"]
    used = {
        (name, key)
        for name, service in services.items()
        for key in environment(service)
        if key.upper().startswith(prefix)
    }
    assert used, "no HOMEWARD_* variable found: did the environment anchor go away?"
    unknown = sorted(
        f"{name}: {key}" for name, key in used if key[len(prefix):].lower() not in fields
    )
    assert not unknown, f"not fields of core.settings.Settings: {unknown}"


def test_app_services_share_the_production_environment(services: dict[str, Any]) -> None:
    # The worker adds only its own metrics/shutdown settings on top of the shared environment.
    envs = [
        {k: v for k, v in environment(services[name]).items() if not k.startswith("HOMEWARD_WORKER_")}
        for name in APP_SERVICES
    ]
    assert all(env == envs[0] for env in envs)
    assert environment(services["worker"])["HOMEWARD_WORKER_METRICS_HOST"] == "0.0.0.0"
    env = envs[0]
    assert env["HOMEWARD_ENVIRONMENT"] == "production"
    assert env["HOMEWARD_LOG_FORMAT"] == "json"
    assert env["HOMEWARD_TEMPORAL_ADDRESS"] == "temporal:7233"
    assert env["HOMEWARD_API_HOST"] == "0.0.0.0"
    assert env["HOMEWARD_DATABASE_URL"].startswith("postgresql+psycopg://homeward:")
    assert env["HOMEWARD_DATABASE_URL"].endswith("@app-db:5432/homeward")


# Values of the shape production needs (the settings refuse placeholders).
SECRET_VALUES = {name: "s3cret" for name in SECRETS} | MAIL_SETTINGS | {
    "HOMEWARD_SECRET_KEY": "k" * 40,
    "HOMEWARD_PAYLOAD_KEYS": "prod-1:" + base64.b64encode(b"p" * 32).decode(),
}


def test_resolved_environment_is_accepted_by_settings(services: dict[str, Any]) -> None:
    env = interpolate(environment(services["api"]), SECRET_VALUES)
    prefix = Settings.model_config["env_prefix"]
    settings = Settings(
        _env_file=None, **{key[len(prefix):].lower(): value for key, value in env.items()}
    )
    assert settings.environment == "production"
    assert settings.log_format == "json"
    assert settings.api_port == 8000
    assert not settings.is_sqlite
    assert settings.database_url == "postgresql+psycopg://homeward:s3cret@app-db:5432/homeward"
    assert settings.embassy == "email" and settings.authorities == "email"
    assert settings.migration_office_emails == ["notices@migration.test", "duty@migration.test"]
    # Every external system in a real mode: production needs no simulator, none is allowed.
    assert settings.partners == "portal"
    assert simulated_systems(settings) == [] and not settings.allow_simulators
    check_modes(settings)


def test_app_and_temporal_agree_on_the_namespace(services: dict[str, Any]) -> None:
    temporal_env = environment(services["temporal"])
    app_env = environment(services["api"])
    assert temporal_env["DEFAULT_NAMESPACE"] == app_env["HOMEWARD_TEMPORAL_NAMESPACE"]
    default = Settings.model_fields["temporal_namespace"].default
    for env in ({}, {"HOMEWARD_TEMPORAL_NAMESPACE": "homeward"}):
        assert interpolate(temporal_env["DEFAULT_NAMESPACE"], env) == interpolate(
            app_env["HOMEWARD_TEMPORAL_NAMESPACE"], env
        ) == env.get("HOMEWARD_TEMPORAL_NAMESPACE", default)


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


# --- (4) secrets are required, never defaulted ------------------------------------------------


def test_secrets_are_required_variables(compose: dict[str, Any]) -> None:
    used = variables(compose)
    required = {name for name, ops in used.items() if ops & {":?", "?"}}
    assert required == SECRETS | set(MAIL_SETTINGS)
    for name in SECRETS:
        assert used[name] == {":?"}, f"{name} must always be ${{{name}:?...}}"
    for name, ops in used.items():
        if SECRET_KEY.search(name):
            assert ops == {":?"}, f"{name} is a secret used with {ops}"


def test_secret_values_are_interpolated_not_literal(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for key, value in environment(service).items():
            if SECRET_KEY.search(key):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]+\}", str(value)), f"{name}.{key}"
    url = environment(services["api"])["HOMEWARD_DATABASE_URL"]
    assert re.search(r"://homeward:\$\{HOMEWARD_DB_PASSWORD:\?[^}]+\}@", url)


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_unset_secret_fails_fast(compose: dict[str, Any], missing: str) -> None:
    env = {name: "s3cret" for name in SECRETS if name != missing} | MAIL_SETTINGS
    with pytest.raises(MissingVariable, match=missing):
        interpolate(compose, env)
    with pytest.raises(MissingVariable, match=missing):
        interpolate(compose, {**env, missing: ""})


def test_file_resolves_with_only_the_secrets_set(compose: dict[str, Any]) -> None:
    resolved = interpolate(compose, {name: "s3cret" for name in SECRETS} | MAIL_SETTINGS)
    assert "s3cret" in environment(resolved["services"]["app-db"])["POSTGRES_PASSWORD"]
    assert "s3cret" in environment(resolved["services"]["temporal"])["POSTGRES_PWD"]


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
