"""Settings, read from `KEEPWORD_*` environment variables (and a `.env` file).

This is the only module that reads the environment. Bad values fail at start
with a message naming the setting.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that appear in tutorials and templates: a deployment using one is not secret.
_PLACEHOLDER_SECRETS = {"changeme", "change-me", "changethis", "secret", "password", "keepword"}
_MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Everything Keepword can be configured with.

    Each field is read from the environment variable `KEEPWORD_<NAME>`.
    """

    model_config = SettingsConfigDict(
        env_prefix="KEEPWORD_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("var"),
        description="Where the embedded SQLite database and the generated secret key live.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db. "
            "Default: an SQLite file keepword.sqlite3 under data_dir."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Signs dashboard session cookies. At least 32 characters. "
            "Default: generated once and kept in data_dir/secret.key."
        ),
    )
    session_max_age_seconds: int = Field(default=8 * 3600, gt=0)
    audit_model: Path | None = Field(
        default=None,
        description="A label model from `keepword train`; default the one shipped in the package.",
    )
    worker_interval_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="How often the clock flags at-risk promises, breaks overdue ones and sends "
        "webhooks.",
    )
    serve_runs_worker: bool = Field(
        default=True,
        description="Whether `keepword serve` runs the clock in-process (turn off when separate "
        "`keepword worker` processes do).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, gt=0, lt=65536)
    log_level: str = "info"

    @field_validator("secret_key")
    @classmethod
    def _refuse_weak_secrets(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        if raw.lower() in _PLACEHOLDER_SECRETS or len(raw) < _MIN_SECRET_LENGTH:
            raise ValueError(
                f"KEEPWORD_SECRET_KEY must be a random string of at least {_MIN_SECRET_LENGTH} "
                "characters (try: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        levels = {"critical", "error", "warning", "info", "debug"}
        if value.lower() not in levels:
            raise ValueError(f"must be one of {', '.join(sorted(levels))}")
        return value.lower()

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one, else the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'keepword.sqlite3').as_posix()}"

    def session_secret(self) -> str:
        """The key that signs session cookies, creating data_dir/secret.key on first use."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret.key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key
