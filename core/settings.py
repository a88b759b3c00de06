"""The one settings object: every host, port, path and secret comes from here."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class LogFormat(StrEnum):
    AUTO = "auto"
    CONSOLE = "console"
    JSON = "json"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Read from environment variables prefixed ``HOMEWARD_`` (and an optional ``.env``)."""

    model_config = SettingsConfigDict(
        env_prefix="HOMEWARD_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.DEVELOPMENT
    data_dir: Path = Path("data")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means an SQLite file in data_dir"
    )

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "homeward-cases"
    temporal_ui_port: int = 8233
    temporal_tls: bool = False
    temporal_tls_client_cert_path: Path | None = None
    temporal_tls_client_key_path: Path | None = None
    temporal_tls_server_ca_path: Path | None = None
    temporal_api_key: str | None = None

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(
        default=9464, ge=0, description="Prometheus /metrics of the worker; 0 turns it off"
    )
    worker_graceful_shutdown_seconds: float = Field(default=20, ge=0)

    log_format: LogFormat = LogFormat.AUTO
    log_level: str = "INFO"

    office_code: str = Field(
        default="LV", min_length=2, max_length=3, description="Prefix of case references"
    )

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'homeward.db'}"
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
