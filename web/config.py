"""The one settings object of the application, read from RDVM_* environment variables."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from employers import notices
from matching.country import DEFAULT_COUNTRY, checked_country

VAR = Path("var")


class Settings(BaseSettings):
    """Application settings; every field can be set as RDVM_<NAME> in the environment or a .env file."""

    model_config = SettingsConfigDict(env_prefix="RDVM_", env_file=".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{VAR / 'rdvm.db'}", description="SQLAlchemy URL; SQLite file by default")
    secret_key: str = Field(default="", description="signs session cookies; generated into var/secret_key when empty")
    session_hours: int = 12
    https: bool = Field(default=False, description="serve cookies with the Secure flag")
    trusted_proxies: str = Field(
        default="",
        description="reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For/-Proto are believed; "
        "empty: none, the connecting address is the client",
    )
    max_request_kb: int = Field(default=1024, ge=1, description="largest request body accepted (the import has its own limit)")
    sqlite_busy_timeout_ms: int = 15000
    default_language: str = "fr"
    ranking_top: int = Field(
        default=200, ge=1, description="candidates listed per vacancy for its company (a compact table, 25 a page)"
    )
    ranking_poll_seconds: float = Field(default=1.0, gt=0, description="how often the ranking worker looks for queued changes")
    ranking_worker_nice: int = Field(
        default=10, ge=0, le=19, description="how far the ranking worker yields the processor to the web server (Unix nice)"
    )
    ranking_rebuild_minutes: int = Field(
        default=15, ge=0, description="rebuild every ranking when the last full rebuild is older; 0: only when needed"
    )
    offer_answer_days: int = Field(default=7, ge=1, description="days a trainee has to answer an offer before it expires")
    outbox_file: str = Field(default="", description="JSON-lines file the outbox is sent to; empty: printed on the console")
    office_phone: str = Field(default="", description="the placement officers' phone, given in the SMS announcing a follow-up")
    retention_months: int = Field(
        default=0, ge=0,
        description="erase a trainee's personal data this many months after their departure or their last placement's "
        "12-month follow-up due date (rdvm jobs); 0: never",
    )  # fmt: skip
    privacy_contact: str = Field(default="", description="the programme's data protection contact, shown on /privacy")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="the address people reach the application at: the links sent by e-mail (a password reset, a "
        "colleague's invitation) and the short links in SMS start with it, never with the Host a request claims "
        "(e.g. https://emploi.rdvmali.org): keep it short, every character counts in an SMS",
    )  # fmt: skip
    password_reset_minutes: int = Field(default=60, ge=5, description='minutes a "forgot my password" link stays usable')
    pin_reset_minutes: int = Field(default=15, ge=1, le=60, description="how long a code sent to reset a PIN lasts")
    country: str = Field(
        default=DEFAULT_COUNTRY,
        description="the country pack (matching/data/packs/<CODE>/) the installation works for: towns, languages, "
        "minimum wage, currency and phone numbering; ML (Mali) or SN (Senegal)",
    )

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        return checked_country(value)

    def link(self, path: str) -> str:
        """Return the absolute address of a path of the application, for a link sent by e-mail."""
        return self.public_url.rstrip("/") + path

    def signing_key(self) -> str:
        """Return the secret key, creating and keeping one under var/ when none is configured."""
        if self.secret_key:
            return self.secret_key
        path = VAR / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@cache
def get_settings() -> Settings:
    """Return the settings, read once (and give the notices the public address their short links start with)."""
    settings = Settings()
    notices.use_public_url(settings.public_url)
    return settings
