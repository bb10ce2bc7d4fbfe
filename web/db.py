"""The database engine and the one session dependency (the only place that commits)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, create_engine

from web.config import get_settings

#: PostgreSQL's "numeric value out of range" (an integer past 2^31 compared with or put in an INTEGER column).
_OUT_OF_RANGE_SQLSTATE = "22003"
NUL = "\x00"


class NumberOutOfRange(Exception):
    """A number sent to the database is past what its columns can hold (SQLite from 2^63, PostgreSQL from 2^31)."""


def without_nul(value: Any) -> Any:
    """Return a value with every NUL character dropped from its texts (in lists, tuples and dictionaries too).

    A value without any NUL comes back as the same object.
    """
    if isinstance(value, list | tuple | dict) and not _may_hold_nul(value):
        return value
    return _dropped(value)


def _may_hold_nul(value: list[Any] | tuple[Any, ...] | dict[Any, Any]) -> bool:
    # One pass in C over a whole structure (a stored ranking's 200 kB of candidates) instead of a walk in Python:
    # orjson writes a NUL as the escape \u0000. What it cannot serialise (bytes, …) is walked.
    try:
        return b"\\u0000" in orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return True


def _dropped(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, list | tuple):
        return type(value)(_dropped(item) for item in value)
    if isinstance(value, dict):
        return {key: _dropped(item) for key, item in value.items()}
    return value


def _strip_nul_parameters(
    _connection: Connection, _cursor: Any, statement: str, parameters: Any, _context: Any, _executemany: bool
) -> tuple[str, Any]:
    # PostgreSQL refuses a NUL in any text; SQLite would keep it. Both get the same text without it.
    return statement, without_nul(parameters)


def _out_of_range(context: ExceptionContext) -> BaseException | None:
    original = context.original_exception
    if isinstance(original, OverflowError) or getattr(original, "sqlstate", None) == _OUT_OF_RANGE_SQLSTATE:
        return NumberOutOfRange(str(original))
    return None


def _strip_nul_before_flush(session: OrmSession, _context: Any, _instances: Any) -> None:
    # The objects themselves lose their NUL characters, so an answer built from them says what was stored.
    for instance in [*session.new, *session.dirty]:
        for name, value in list(vars(instance).items()):
            if not name.startswith("_") and isinstance(value, str | list | dict):
                cleaned = without_nul(value)
                if cleaned is not value and cleaned != value:
                    setattr(instance, name, cleaned)


event.listen(OrmSession, "before_flush", _strip_nul_before_flush)


def make_engine(url: str, *, busy_timeout_ms: int = 15000) -> Engine:
    """Create an engine; SQLite gets WAL mode, a busy timeout, enforced foreign keys and BEGIN IMMEDIATE transactions.

    On both kinds, NUL characters are dropped from every text sent to the database (PostgreSQL cannot store
    them), and a number past the columns' range raises NumberOutOfRange (answered 422), not a driver error.
    """
    engine = _engine(url, busy_timeout_ms)
    event.listen(engine, "before_cursor_execute", _strip_nul_parameters, retval=True)
    event.listen(engine, "handle_error", _out_of_range)
    return engine


def json_loads(text: str | bytes) -> Any:
    """Return the value of a JSON column's text, read with orjson (json for what orjson refuses: NaN, huge integers)."""
    # A stored ranking's candidates are 200 kB of JSON: the json module's parsing was half of its page's CPU.
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def json_dumps(value: Any) -> str:
    """Return a JSON column's text for a value, written with orjson (json for what orjson refuses: huge integers)."""
    # A text, not orjson's bytes: SQLite would store bytes as a BLOB. Non-text keys are written as json writes them.
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def _engine(url: str, busy_timeout_ms: int) -> Engine:
    json_options: dict[str, Any] = {"json_serializer": json_dumps, "json_deserializer": json_loads}
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **json_options)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000}, **json_options)

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        # Turn off the driver's own (legacy) transaction control, which begins a deferred transaction only
        # before INSERT/UPDATE/DELETE: SQLAlchemy begins every transaction itself, in _begin below.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # In WAL mode a deferred transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT
        # ("database is locked", whatever the busy timeout) when another connection wrote in between. BEGIN
        # IMMEDIATE takes the write lock first, waiting up to the busy timeout, so transactions run one after
        # the other. Work that only reads may ask for a deferred transaction with the execution option
        # sqlite_begin="DEFERRED". SAVEPOINTs work inside, as the transaction is now a real one.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode not in ("IMMEDIATE", "DEFERRED", "EXCLUSIVE"):
            raise ValueError(f"sqlite_begin must be IMMEDIATE, DEFERRED or EXCLUSIVE, not {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@cache
def get_engine() -> Engine:
    """Return the application's engine, created once from the settings."""
    settings = get_settings()
    return make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session for one request; commit when it succeeds, roll back when it fails.

    Pages that only read (GET) start a deferred SQLite transaction, so a page that re-ranks every vacancy for
    seconds never holds the write lock that other requests' writes wait for.
    """
    engine = get_engine()
    if request.method in SAFE_METHODS:
        engine = engine.execution_options(sqlite_begin="DEFERRED")  # ignored by PostgreSQL
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# scope="function": commit before the response is sent, so a failed commit is an error the client sees.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
