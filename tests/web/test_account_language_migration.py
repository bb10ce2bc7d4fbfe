"""The migration of the accounts' language, down and up, on both databases; its column is the model's."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import web.tables  # noqa: F401  (every model in the metadata)
from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "6d2b8f4e1c07"  # the revision before the accounts' language
AT = "2027-01-01 00:00:00+00:00"


def columns(url: str) -> set[str]:
    """Return the columns of the accounts' table."""
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("user")}
    finally:
        engine.dispose()


def test_accounts_keep_their_rows_and_gain_a_language_read_as_french(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert [d for d in drift if "message_language" in repr(d)] == []
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()
        assert "message_language" not in columns(fresh_url)
        with engine.begin() as connection:
            connection.execute(text(
                'insert into "user" (login, full_name, role, password_hash, active, created_at, password_changed_at) '
                "values ('a@example.ml', 'Awa Diarra', 'officer', 'x', true, :at, :at)"), {"at": AT})  # fmt: skip
        upgrade(fresh_url)
        engine.dispose()
        with engine.connect() as connection:  # the account is still there, reading its notices in French
            row = connection.execute(text('select login, message_language from "user"')).one()
        assert tuple(row) == ("a@example.ml", None)
    finally:
        engine.dispose()
