"""Fixtures of the deploy tests: docker-compose.yml parsed as YAML (once per test module)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.deploy.compose import COMPOSE_FILE


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """The file as written, before interpolation (what the Compose schema validates)."""
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]
