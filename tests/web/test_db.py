"""SQLite transactions as web.db.make_engine sets them up: BEGIN IMMEDIATE, real SAVEPOINTs, a deferred option."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from web.db import make_engine


def counters(tmp_path: Path, busy_timeout_ms: int) -> Engine:
    """Return an engine on a new SQLite file holding one counter at 0."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", busy_timeout_ms=busy_timeout_ms)
    with engine.begin() as connection:
        connection.execute(text("create table counter (id integer primary key, n integer not null)"))
        connection.execute(text("insert into counter values (1, 0)"))
    return engine


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Engine]:
    """Yield an engine on a SQLite file of counters, with a short busy timeout (a waiting test fails fast)."""
    engine = counters(tmp_path, busy_timeout_ms=300)
    yield engine
    engine.dispose()


def value(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("select n from counter where id = 1")).scalar_one())


def test_transactions_that_read_then_write_at_the_same_moment_all_succeed(tmp_path: Path) -> None:
    """In WAL mode a deferred transaction would fail at once with "database is locked" here; IMMEDIATE ones queue."""
    sqlite = counters(tmp_path, busy_timeout_ms=5000)
    barrier, errors = threading.Barrier(12), []

    def increment() -> None:
        barrier.wait(timeout=30)
        try:
            with sqlite.begin() as connection:
                n = connection.execute(text("select n from counter where id = 1")).scalar_one()
                time.sleep(0.005)
                connection.execute(text("update counter set n = :n where id = 1"), {"n": n + 1})
        except OperationalError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=increment) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (errors, value(sqlite)) == ([], 12)
    sqlite.dispose()


def test_a_savepoint_rolls_back_alone_and_with_its_transaction(sqlite: Engine) -> None:
    with sqlite.connect() as connection:
        with connection.begin():
            connection.execute(text("update counter set n = 1"))
            with connection.begin_nested() as savepoint:
                connection.execute(text("update counter set n = 2"))
                savepoint.rollback()
        assert value(sqlite) == 1
        transaction = connection.begin()
        with connection.begin_nested():
            connection.execute(text("update counter set n = 3"))
        transaction.rollback()  # the released savepoint was part of the transaction
    assert value(sqlite) == 1


def test_an_open_transaction_holds_the_write_lock_unless_deferred(sqlite: Engine) -> None:
    """The cost of BEGIN IMMEDIATE: keep transactions short, or ask read-only work to begin DEFERRED."""
    with sqlite.connect() as holder:
        holder.execute(text("select 1"))  # an IMMEDIATE transaction, idle
        with pytest.raises(OperationalError, match="database is locked"), sqlite.begin() as writer:
            writer.execute(text("update counter set n = 5"))
    with sqlite.execution_options(sqlite_begin="DEFERRED").connect() as reader:
        assert reader.execute(text("select n from counter")).scalar_one() == 0
        with sqlite.begin() as writer:
            writer.execute(text("update counter set n = 5"))
    assert value(sqlite) == 5


def test_an_unknown_begin_mode_is_refused(sqlite: Engine) -> None:
    with pytest.raises(ValueError, match="sqlite_begin"), sqlite.execution_options(sqlite_begin="LATER").connect() as c:
        c.execute(text("select 1"))
