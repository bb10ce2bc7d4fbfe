"""The served application warms each process up before its first request: templates, the driver, the open seats."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from employers import gaps
from tests.employers.factories import stored_vacancy
from tests.web.factories import employer
from web import app as app_module
from web.app import create_app, create_server_app
from web.config import get_settings
from web.db import get_engine
from web.pages import templates


@pytest.fixture
def settings_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Point the application's settings at a database URL the test gives (the caches emptied before and after)."""

    def point(url: str) -> None:
        get_engine().dispose()
        monkeypatch.setenv("RDVM_DATABASE_URL", url)
        get_settings.cache_clear()
        get_engine.cache_clear()

    yield point
    get_engine().dispose()  # the settings' engine of the test: its connections closed, not left to the collector
    get_engine.cache_clear()
    get_settings.cache_clear()


def test_each_server_process_keeps_the_open_seats_before_its_first_request(
    engine: Engine, session: Session, settings_database: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored_vacancy(session, employer(session))
    session.commit()  # end the test's transaction: on SQLite it holds the write lock the warm-up's session waits for
    settings_database(engine.url.render_as_string(hide_password=False))
    kept: list[int] = []
    monkeypatch.setattr(app_module, "keep_open_seats", lambda **given: kept.append(gaps.keep_open_seats(**given)) or 0)
    application = create_server_app()
    assert kept == []
    with TestClient(application) as client:
        assert kept == [1]  # before any request: the one open vacancy, read and encoded
        assert client.get("/api/v1/csrf").status_code == 200
    assert templates.env.cache is not None and len(templates.env.cache) >= len(templates.env.list_templates(["html"]))


def test_the_tests_application_does_not_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[bool] = []
    monkeypatch.setattr(app_module, "warm_up", lambda: called.append(True))
    with TestClient(create_app()) as client:
        assert client.get("/api/v1/csrf").status_code == 200
    assert called == []


def test_a_database_not_reachable_yet_only_logs(settings_database: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings_database("postgresql+psycopg://postgres@127.0.0.1:5432/rdvm_no_such_database")
    with caplog.at_level(logging.WARNING, logger="web.app"), TestClient(create_server_app()) as client:
        assert client.get("/api/v1/csrf").status_code == 200
    assert any("warm-up without the database" in r.getMessage() for r in caplog.records)
