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
    # Failed sign-ins: per account and address, LOGIN_FREE_FAILURES free ones, then a wait of
    # LOGIN_DELAY_SECONDS doubling with each further failure up to LOGIN_DELAY_MAX_SECONDS;
    # per address over any accounts, at most LOGIN_MAX_FAILURES_PER_ADDRESS in the window.
    login_free_failures: int = 5
    login_delay_seconds: int = 30
    login_delay_max_seconds: int = 900
    login_max_failures_per_address: int = 20
    login_failure_window_seconds: int = 900
    # Failed sign-ins older than this are forgotten, and purged by `grants sessions purge`.
    login_attempts_kept_seconds: int = 24 * 3600
    max_request_body_bytes: int = 1024 * 1024

    # Slow clients: request headers must be complete within HTTP_HEADERS_TIMEOUT_SECONDS
    # (grants.serving); a body may pause at most REQUEST_BODY_IDLE_SECONDS and, after
    # REQUEST_BODY_GRACE_SECONDS, must have come at REQUEST_BODY_MIN_BYTES_PER_SECOND on
    # average (grants.security.slow_bodies); idle keep-alive connections close after
    # HTTP_KEEP_ALIVE_SECONDS; beyond HTTP_MAX_CONNECTIONS uvicorn answers 503.
    http_headers_timeout_seconds: float = 10.0
    http_keep_alive_seconds: int = 5
    http_max_connections: int | None = 1000
    request_body_idle_seconds: float = 15.0
    request_body_grace_seconds: float = 10.0
    request_body_min_bytes_per_second: int = 1024

    # Uploads (storage.screen): per document kind, whether a PDF with active content or an
    # embedded file is refused (the default) or stored and flagged in its audit event, e.g.
    # UPLOAD_ACTIVE_CONTENT='{"grant_agreement": "flag"}'; ZIP-based files (DOCX, XLSX) unpacking
    # to more bytes, or more times their size, are refused.
    upload_active_content: dict[str, Literal["refuse", "flag"]] = Field(default_factory=dict)
    upload_max_unpacked_bytes: int = 100 * 1024 * 1024
    upload_max_unpack_ratio: int = 100

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
