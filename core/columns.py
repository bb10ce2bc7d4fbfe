"""Column types shared by every table: timezone-aware timestamps and portable JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

from core.clock import utcnow


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps the time zone; SQLite keeps none and gives naive times back. Converting on the way in and
    out here means no other code ever has to ask which database it runs on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store an aware time converted to UTC; a naive time is taken to be UTC already."""
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read a time back as UTC-aware."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_field(default: Any = None) -> Any:
    """Return a JSON column (lists and objects), portable between SQLite and PostgreSQL."""
    if isinstance(default, list):
        return Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    return Field(default=default, sa_column=Column(JSON, nullable=True))


def time_field(*, nullable: bool = False) -> Any:
    """Return a UTC timestamp column (read back timezone-aware on every database); set to now unless nullable."""
    if nullable:
        return Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    return Field(default_factory=utcnow, sa_column=Column(UtcDateTime(), nullable=False))
