"""The production docker-compose.yml: its HOMEWARD_* variables are settings fields, the app
services share the production environment, and secrets are required, never defaulted.

No Docker needed: the file is read as YAML/text and checked against the application's own
settings (tests/deploy/compose.py).
"""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from core.modes import check_modes, simulated_systems
from core.settings import Settings
from tests.deploy.compose import (
    APP_SERVICES,
    MissingVariable,
    environment,
    interpolate,
    variables,
)

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
