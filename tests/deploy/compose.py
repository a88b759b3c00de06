"""docker-compose.yml and the Dockerfile read as YAML/text, without Docker, for the deploy
tests: their paths, the app services, a service's environment, and interpolation as Compose
does it (the subset of the syntax this file may use)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")
APP_SERVICES = ("migrate", "api", "worker")


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
