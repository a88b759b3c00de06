"""The kinds of value a setting takes beyond str, int and bool: the choices among fixed
values, and lists of e-mail addresses (``a@x, b@y`` or a JSON list in the environment)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_settings import NoDecode


class LogFormat(StrEnum):
    AUTO = "auto"
    CONSOLE = "console"
    JSON = "json"


class DocumentStorage(StrEnum):
    LOCAL = "local"
    S3 = "s3"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _addresses(value: Any) -> Any:
    """``a@x, b@y`` or a JSON list."""
    if isinstance(value, str):
        value = json.loads(value) if value.lstrip().startswith("[") else value.split(",")
    return [a.strip() for a in value if a.strip()] if isinstance(value, list) else value


Addresses = Annotated[list[str], NoDecode, BeforeValidator(_addresses)]
