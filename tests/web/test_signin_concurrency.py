"""Sign-ins at once on PostgreSQL, as many as the application's pool has connections, each request holding one.

The load test of issue #12 answered 500 to sign-ins: each sign-in held its request's connection and asked
the same pool for a second one (to commit its attempt at once), so a burst as large as the pool waited on
itself until the pool's timeout. Each request here holds a connection of a pool of exactly as many as there
are requests, as a page's dependencies would, before signing in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, create_engine, func, select

from tests.web.factories import PASSWORD, user
from web.auth import service as auth_service
from web.auth.exceptions import InvalidCredentials
from web.auth.models import Role, SignInAttempt

REQUESTS = 4


def at_once(engine: Engine, secret: str) -> list[str]:
    """Sign in REQUESTS times at once, each request holding a connection of a pool just that large; return outcomes."""
    with Session(engine) as setup:
        login = user(setup, Role.officer).login
    tight = create_engine(engine.url, pool_size=REQUESTS, max_overflow=0, pool_timeout=5)
    barrier = threading.Barrier(REQUESTS)

    def request(number: int) -> str:
        with Session(tight) as session:
            session.exec(text("select 1"))  # type: ignore[call-overload]  # the request holds its connection
            barrier.wait()
            outcome = signed(lambda: auth_service.authenticate(session=session, login=login, secret=secret,
                                                               client=f"10.0.0.{number}"))  # fmt: skip
            session.commit()
            return outcome

    try:
        with ThreadPoolExecutor(REQUESTS) as threads:
            return list(threads.map(request, range(REQUESTS)))
    finally:
        tight.dispose()


def signed(attempt: Callable[[], object]) -> str:
    """Return "in" or "wrong" for a sign-in; anything else (a pool timeout) is raised."""
    try:
        attempt()
    except InvalidCredentials:
        return "wrong"
    return "in"


@pytest.fixture
def postgres(postgres_engine: Engine) -> Engine:
    """An empty migrated PostgreSQL database (the pool question does not arise on SQLite: one writer, no second connection)."""
    from tests.conftest import empty_tables

    empty_tables(postgres_engine)
    return postgres_engine


def test_sign_ins_as_many_as_the_pool_all_succeed(postgres: Engine) -> None:
    assert at_once(postgres, PASSWORD) == ["in"] * REQUESTS
    with Session(postgres) as session:
        assert session.exec(select(func.count()).select_from(SignInAttempt)).one() == 0  # successes are forgotten


def test_failures_as_many_as_the_pool_are_all_counted(postgres: Engine) -> None:
    assert at_once(postgres, "a wrong password") == ["wrong"] * REQUESTS
    with Session(postgres) as session:
        assert session.exec(select(func.count()).select_from(SignInAttempt)).one() == REQUESTS
