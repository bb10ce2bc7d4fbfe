"""The database engine and the one session dependency (the only place that commits)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine, event
from sqlmodel import Session, create_engine

from web.config import get_settings


def make_engine(url: str, *, busy_timeout_ms: int = 15000) -> Engine:
    """Create an engine; SQLite gets WAL mode, a busy timeout, enforced foreign keys and BEGIN IMMEDIATE transactions."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})

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
