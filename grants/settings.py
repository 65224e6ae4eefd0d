"""Settings from the environment and `.env`, validated once and cached."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

VAR_DIR = Path("var")


class Settings(BaseSettings):
    """Everything the application reads from its environment.

    Names are the environment variables, case-insensitive (`DATABASE_URL`, `S3_BUCKET`, ...).
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    var_dir: Path = VAR_DIR
    database_url: str = ""
    database_echo: bool = False

    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path | None = None
    s3_endpoint_url: str | None = None
    s3_bucket: str = "cofund-documents"
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = Field(default=None, repr=False)
    s3_create_bucket: bool = False

    secret_key: str = Field(default="", repr=False)
    base_url: str = "http://127.0.0.1:8000"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = False

    session_max_age_seconds: int = 8 * 3600
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    login_failure_window_seconds: int = 900
    max_request_body_bytes: int = 1024 * 1024

    # Outgoing mail. No SMTP host (the embedded default): mails stay in the outbox table and
    # the log, unsent.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "CoFund <noreply@cofund.invalid>"

    # The transparency log (grants.audit.log_key): its origin names the log in every checkpoint
    # and is its signing key's name; the Ed25519 key is AUDIT_LOG_KEY (the PRIVATE+KEY text) or
    # the file AUDIT_LOG_KEY_FILE (default var/audit-log.key), never the database.
    audit_log_origin: str = "cofund.example/audit"
    audit_log_key: str | None = Field(default=None, repr=False)
    audit_log_key_file: Path | None = None
    # "off" skips growing the Merkle tree on audit appends (the benchmark's baseline only):
    # checkpoints are refused while it is off, and the first append or checkpoint after it is
    # back on first adds the events the tree missed, so no signed root ever lacks an event.
    audit_tree: Literal["on", "off"] = "on"

    # Open data (grants.opendata): each agency's organisation identifier in org-id.guide form
    # (`JP-JCN-<corporate number>`, `XI-ROR-<ror id>`), as JSON: {"JST": "JP-JCN-…"}. An agency
    # not listed is published as `ZZ-COFUND-<code>` (ZZ: no registered list), which the
    # data-quality check accepts but a publisher must replace before publishing.
    open_data_org_ids: dict[str, str] = Field(default_factory=dict)
    open_data_publisher: str = "CoFund"

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / 'cofund.db'}"
        if self.storage_dir is None:
            self.storage_dir = self.var_dir / "documents"
        if self.audit_log_key_file is None:
            self.audit_log_key_file = self.var_dir / "audit-log.key"
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError("SECRET_KEY must be set in production")
            self.secret_key = _secret_from_var(self.var_dir)
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def cookie_secure(self) -> bool:
        return self.base_url.startswith("https://")


def _secret_from_var(var_dir: Path) -> str:
    """Read the development secret from `var/secret_key`, creating it on first use."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own `Settings` instead)."""
    return Settings()
