"""The application's one clock: every time is timezone-aware and in UTC (Mali's and Senegal's time)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)
