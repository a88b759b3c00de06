"""The one settings object: every host, port, path and secret comes from here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from core.choices import Addresses, DocumentStorage, Environment, LogFormat
from core.codec import DEV_KEY, DEV_KEY_ID, parse_keys
from core.exchange_settings import ExchangeSettings
from core.modes import (
    AuthoritiesMode,
    BookingMode,
    DebtorAccount,
    EmbassyMode,
    NotificationsMode,
    PartnersMode,
    PaymentsMode,
    check_modes,
    simulated_systems,
)
from models.embassies import LetterLanguage
from models.enums import TaskKind

DEV_SECRET_KEY = "dev-insecure-secret-key-do-not-use-in-production"
# S3 credentials found in documentation and default installs; production refuses them.
PLACEHOLDER_S3_SECRETS = frozenset({
    "", "minioadmin", "changeme", "change-me", "secret", "password", "test", "testsecret",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAIOSFODNN7EXAMPLE",
})


class Settings(DebtorAccount, ExchangeSettings):
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
    payload_keys: SecretStr = Field(
        default=SecretStr(""),
        description=(
            "Keys encrypting Temporal payloads: comma-separated id:base64 entries of 32-byte "
            "AES keys (`python -m core.codec new-key` makes one). Every listed key decrypts; "
            "the active one encrypts. Empty in development means the fixed 'dev-insecure' key; "
            "production refuses empty or the development key"
        ),
    )
    payload_active_key_id: str = Field(
        default="",
        description=(
            "Id of the key that encrypts new payloads; empty means the last entry of "
            "payload_keys. Rotate by adding the new key everywhere first, then activating it"
        ),
    )
    codec_cors_origin: str = Field(
        default="http://127.0.0.1:8233",
        description="Origin of the Temporal web UI allowed to call /codec (remote codec server)",
    )

    document_storage: DocumentStorage = Field(
        default=DocumentStorage.LOCAL,
        description="Where case documents are kept (encrypted): a local directory, or S3",
    )
    document_dir: Path | None = Field(
        default=None, description="Local document storage; unset: data_dir/documents"
    )
    document_s3_endpoint_url: str = Field(
        default="", description="S3-compatible endpoint, e.g. https://s3.example.org; empty: AWS"
    )
    document_s3_bucket: str = Field(default="homeward-documents", min_length=3, max_length=63)
    document_s3_region: str = "us-east-1"
    document_s3_access_key_id: str = ""
    document_s3_secret_access_key: SecretStr = SecretStr("")
    document_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="Largest document upload, in bytes"
    )

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    worker_metrics_host: str = "127.0.0.1"
    worker_metrics_port: int = Field(
        default=9464, ge=0, description="Prometheus /metrics of the worker; 0 turns it off"
    )
    worker_graceful_shutdown_seconds: float = Field(default=20, ge=0)
    workflow_sandbox: bool = Field(
        default=True,
        description="Run workflow code in the SDK's sandbox (see README: what it costs)",
    )

    secret_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET_KEY),
        description="Signs access tokens; production refuses the development placeholder",
    )
    access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    login_max_failures: int = Field(default=5, ge=1, description="Failed logins before lockout")
    login_lockout_minutes: int = Field(default=15, ge=1)

    retention_days: int = Field(
        default=5 * 365, ge=1,
        description="Days after closure before a case's personal data is anonymised",
    )
    retention_cron: str = Field(default="0 2 * * *", description="When the retention job runs")

    notifications: NotificationsMode = Field(
        default=NotificationsMode.SIMULATED,
        description="How reminders reach staff by e-mail: the simulator's outbox, or SMTP",
    )
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = True
    smtp_from: str = Field(default="", description="Sender address of reminders and digests")
    digest_cron: str = Field(
        default="0 6 * * 1-5", description="When the caseworkers' daily digest is sent"
    )

    partners: PartnersMode = Field(
        default=PartnersMode.SIMULATED,
        description=(
            "How handovers reach reintegration partners: simulated, signed webhooks, or "
            "portal (the partner works on Homeward's partner page and is told by e-mail)"
        ),
    )
    partner_answer_days: int | None = Field(
        default=None, ge=1,
        description="Days a chosen partner has to accept or decline a case (new cases; 7)",
    )
    pre_arrival_days: int | None = Field(
        default=None, ge=0,
        description="Days before departure the partner's pre-arrival package goes (new cases; 3)",
    )

    # External systems: a real mode each, or its simulator (core/modes.py; README).
    embassy: EmbassyMode = EmbassyMode.SIMULATOR
    authorities: AuthoritiesMode = AuthoritiesMode.SIMULATOR
    booking: BookingMode = BookingMode.SIMULATOR
    payments: PaymentsMode = PaymentsMode.SIMULATOR
    allow_simulators: bool = Field(
        default=False, description="Production may run simulators (a training installation)"
    )
    border_guard_emails: Addresses = Field(default_factory=list)
    migration_office_emails: Addresses = Field(default_factory=list)
    office_name: str = Field(
        default="Homeward return office", min_length=1, max_length=200,
        description="Who signs the letters and notices sent to embassies and authorities",
    )
    office_language: LetterLanguage = Field(
        default=LetterLanguage.LV, description="Language of letters and notices beside English"
    )
    office_email: str = Field(default="", description="Reply-To of letters and notices")

    simulators: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description=(
            "Behaviour of the simulated external systems, as JSON keyed by system (embassy, "
            "authorities, booking, payments, notifications, partners), e.g. "
            '{"embassy": {"latency_seconds": 2, "refusal_rate": 0.3, "seed": 7}}'
        ),
    )
    task_sla_hours: dict[TaskKind, float] = Field(
        default_factory=dict,
        description=(
            "SLA per task kind in hours, JSON, overriding the defaults of new cases, e.g. "
            '{"approve_grant": 24}; a case past its SLA shows in /supervision/stuck'
        ),
    )
    stuck_after_days: float = Field(
        default=14, gt=0,
        description="An active case with no change for this long counts as stuck in /metrics",
    )

    note_edit_minutes: int = Field(
        default=15, ge=0, description="How long the author of a case note may still change it"
    )
    break_glass_hours: float = Field(default=8, gt=0, description="Access a break glass gives")
    referral_outcome_days: int = Field(default=14, ge=1, description="A referral's outcome due")

    log_format: LogFormat = LogFormat.AUTO
    log_level: str = "INFO"

    office_code: str = Field(
        default="LV", min_length=2, max_length=3, description="Prefix of case references"
    )
    default_project_code: str = Field(
        default="default", min_length=1, max_length=40,
        description="Project of a new case that names no project_id",
    )

    @property
    def exchange_name(self) -> str:
        return self.exchange_id or f"{self.office_code}-homeward"

    @model_validator(mode="after")
    def _payload_keys(self) -> Settings:
        keys = parse_keys(self.payload_keys.get_secret_value())
        if self.payload_active_key_id and self.payload_active_key_id not in keys:
            raise ValueError(
                f"HOMEWARD_PAYLOAD_ACTIVE_KEY_ID {self.payload_active_key_id!r} is not among "
                "HOMEWARD_PAYLOAD_KEYS"
            )
        if self.environment == Environment.PRODUCTION and (
            not keys or DEV_KEY_ID in keys or DEV_KEY in keys.values()
        ):
            raise ValueError(
                "HOMEWARD_PAYLOAD_KEYS must list real keys in production (id:base64 entries; "
                "`python -m core.codec new-key` makes one); the development key is refused"
            )
        return self

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'homeward.db'}"
        return self

    @model_validator(mode="after")
    def _production_secrets(self) -> Settings:
        if self.environment == Environment.PRODUCTION and (
            self.secret_key.get_secret_value() == DEV_SECRET_KEY
            or len(self.secret_key.get_secret_value()) < 32
        ):
            raise ValueError(
                "HOMEWARD_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (the development placeholder is refused)"
            )
        return self

    @model_validator(mode="after")
    def _document_storage(self) -> Settings:
        if self.document_dir is None:
            self.document_dir = self.data_dir / "documents"
        if self.environment == Environment.PRODUCTION and self.document_storage == (
            DocumentStorage.S3
        ) and (
            self.document_s3_access_key_id in PLACEHOLDER_S3_SECRETS
            or self.document_s3_secret_access_key.get_secret_value() in PLACEHOLDER_S3_SECRETS
        ):
            raise ValueError(
                "HOMEWARD_DOCUMENT_S3_ACCESS_KEY_ID and HOMEWARD_DOCUMENT_S3_SECRET_ACCESS_KEY "
                "must be set to real credentials in production (placeholders are refused)"
            )
        return self

    @model_validator(mode="after")
    def _external_systems(self) -> Settings:
        check_modes(self)  # SMTP for the mailing modes; no simulator in production
        return self

    @property
    def simulated_systems(self) -> list[str]:
        return simulated_systems(self)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
