"""Queries every package shares: a long `IN (…)` list read in chunks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col

#: Values bound per `IN (…)`: well under SQLite's limit on bound parameters.
IN_CHUNK = 500


def where_in(session: Session, query: Any, column: Any, values: Iterable[Any]) -> list[Any]:
    """Run the query for chunks of the distinct values (`column IN chunk`); return every row."""
    wanted = sorted(set(values))
    return [
        row
        for i in range(0, len(wanted), IN_CHUNK)
        for row in session.exec(query.where(col(column).in_(wanted[i : i + IN_CHUNK])))
    ]
