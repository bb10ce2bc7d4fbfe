"""The UTC column type: what goes in aware comes back aware and equal, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.engine import Engine

from core.columns import UtcDateTime


def test_a_time_comes_back_aware_in_utc(engine: Engine) -> None:
    table = Table("utc_probe", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    bamako_noon = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    paris_one_pm = bamako_noon.astimezone(timezone(timedelta(hours=1)))
    table.create(engine)
    try:
        with engine.begin() as connection:
            connection.execute(insert(table), [{"id": 1, "at": paris_one_pm}, {"id": 2, "at": bamako_noon.replace(tzinfo=None)}])
            read = dict(connection.execute(select(table.c.id, table.c.at)).all())  # type: ignore[arg-type]
    finally:
        table.drop(engine)
    assert read == {1: bamako_noon, 2: bamako_noon}
    assert all(moment.utcoffset() == timedelta(0) for moment in read.values())
