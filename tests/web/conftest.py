"""Web fixtures: the application on the test database, clients that sign in, and account builders."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

os.environ.setdefault("RDVM_SECRET_KEY", "test-secret-key-not-for-production")

from web.app import create_app  # noqa: E402
from web.db import get_session  # noqa: E402

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client(TestClient):
    """A test browser that knows its CSRF token."""

    def csrf(self) -> str:
        """Return this browser's CSRF token (fetching one if needed)."""
        token: str = self.get("/api/v1/csrf").json()["csrf_token"]
        return token

    def post_form(self, url: str, data: dict[str, str], **kwargs: object) -> object:
        """Post a form the way a browser does, with the CSRF token."""
        return self.post(url, data={**data, "csrf_token": self.csrf()}, **kwargs)  # type: ignore[arg-type]

    def sign_in(self, login: str, secret: str) -> None:
        """Sign in through the sign-in form, or fail the test."""
        response = self.post(
            "/signin", data={"login": login, "secret": secret, "csrf_token": self.csrf()}, follow_redirects=False
        )
        assert response.status_code == 303, response.text


@pytest.fixture
def app(engine: Engine, session: Session) -> Iterator[object]:
    """Yield the application, its sessions on the test database."""
    application = create_app()

    def test_session() -> Iterator[Session]:
        # On SQLite a transaction holds the write lock from its BEGIN IMMEDIATE to its end (web.db). The test's
        # own session, open between requests, holds only committed setup and reads: end its transaction, so
        # the request can begin its own, and the test's next statement reads what the request wrote.
        session.commit()
        with Session(engine) as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise

    application.dependency_overrides[get_session] = test_session
    yield application


@pytest.fixture
def client(app: object) -> Iterator[Client]:
    """Yield a test browser for the application."""
    with Client(app) as browser:  # type: ignore[arg-type]
        yield browser


@pytest.fixture
def new_client(app: object) -> Iterator[object]:
    """Yield a factory of independent browsers (each with its own cookies)."""
    opened: list[Client] = []

    def make() -> Client:
        browser = Client(app)  # type: ignore[arg-type]
        opened.append(browser)
        return browser

    yield make
    for browser in opened:
        browser.close()
