"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when a server answers).

Set RDVM_REQUIRE_POSTGRES=1 (CI does) to make a missing PostgreSQL server a failure instead of a skip.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from web.db import make_engine
from web.migrate import upgrade

POSTGRES_URL = os.environ.get("RDVM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    """Return whether the test PostgreSQL server answers."""
    probe = make_engine(POSTGRES_URL)
    try:
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:  # noqa: BLE001  (any failure to connect means "not available")
        return False
    finally:
        probe.dispose()


def _empty_postgres_url() -> Iterator[str]:
    """Yield the URL of a new, empty PostgreSQL schema, dropped afterwards (skip or fail without a server)."""
    if not postgres_available():
        if os.environ.get("RDVM_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (RDVM_REQUIRE_POSTGRES=1) but does not answer at {POSTGRES_URL}")
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL}")
    schema = f"rdvm_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def _postgres_engine() -> Iterator[Engine]:
    for url in _empty_postgres_url():
        upgrade(url)
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a database with no table yet, once per database kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        yield from _empty_postgres_url()


def _sqlite_engine(folder: Path) -> Iterator[Engine]:
    url = f"sqlite:///{folder / 'rdvm.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Yield an engine on a SQLite file migrated once for the test session."""
    yield from _sqlite_engine(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """Yield an engine on a PostgreSQL schema migrated once for the test session."""
    yield from _postgres_engine()


def empty_tables(engine: Engine) -> None:
    """Delete every row of every application table (children first), and forget the candidates ranked from them."""
    from sqlmodel import SQLModel

    import web.tables  # noqa: F401
    from employers import candidates, gaps, review

    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    candidates.invalidate()  # its keys (row counts, latest times) could match the next test's data
    review.invalidate()  # the officers' kept reviews: the same
    gaps.invalidate()  # the open seats the officer's trainee page keeps: ids and times could match the next test's


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Yield an engine on an empty, migrated database, once per database kind."""
    chosen: Engine = request.getfixturevalue(f"{request.param}_engine".replace("postgresql", "postgres"))
    empty_tables(chosen)
    yield chosen
    empty_tables(chosen)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """Yield a session on the test database (tests commit what they set up)."""
    with Session(engine) as db:
        yield db


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Hash passwords, PINs and reset codes in the test process with Argon2 at its lowest cost."""
    # The shipped cost (web.auth.hashing: about 0.05 s of CPU a hash) is paid where the tests run `rdvm` as a subprocess;
    # in process it was most of what the suite's hundreds of accounts and sign-ins cost, and proves nothing more.
    if "web.auth.service" not in sys.modules:  # no test collected uses accounts (tests/matching alone): import nothing
        yield
        return
    from web.auth import hashing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hashing, "HASHER", hashing.argon2id(memory_kib=8, time_cost=1, parallelism=1))
        yield


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures tests recorded as "concurrency" properties (also from xdist workers, with or without -s)."""
    reports = terminalreporter.getreports("passed") + terminalreporter.getreports("failed")
    lines = [f"{report.nodeid}: {value}" for report in reports for name, value in report.user_properties if name == "concurrency"]
    if lines:
        terminalreporter.section("concurrency figures")
        for line in lines:
            terminalreporter.line(line)
