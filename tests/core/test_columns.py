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


def test_json_comes_back_as_the_json_module_reads_what_it_writes(engine: Engine) -> None:
    """The engines read and write JSON columns with orjson (web.db): the values are json's, and SQLite keeps text."""
    import json

    from sqlalchemy import func
    from sqlalchemy.types import JSON

    table = Table("json_probe", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON()))
    values = {
        1: {"reasons": {"fr": ["habite à 4 km du site", "maîtrise 1 des 1 compétences"]}, "score": 0.9267, "n": 3},
        2: [1, 2.0, -0.0, 1e-07, 12345678901234567890, None, True, "\u00e9\U0001f600", [], {}],
        3: {1: "an integer key", "2": [1.5, {"deep": ["x"]}]},
        4: [2**70, -(2**70)],  # past 64 bits: orjson refuses them, json writes and reads them
    }
    table.create(engine)
    try:
        with engine.begin() as connection:
            connection.execute(insert(table), [{"id": key, "doc": doc} for key, doc in values.items()])
            read = dict(connection.execute(select(table.c.id, table.c.doc)).all())  # type: ignore[arg-type]
            sqlite = engine.dialect.name == "sqlite"
            kinds = set(connection.execute(select(func.typeof(table.c.doc))).scalars()) if sqlite else set()
    finally:
        table.drop(engine)
    expected = {key: json.loads(json.dumps(doc)) for key, doc in values.items()}
    assert read == expected
    assert [type(x) for x in read[2]] == [type(x) for x in expected[2]]  # 2.0 stays a float, 1 an int
    assert kinds <= {"text"}  # not orjson's bytes, which SQLite would keep as a BLOB
