"""The migration of invitations, password resets and interviews: as the models say, down and up, on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import web.auth.models  # noqa: F401  (the password_reset table is in the metadata compared)
from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "3c5e0a7d9b21"  # the revision before company accounts and interviews
TABLES = ("company_invitation", "password_reset")


def test_the_tables_and_columns_go_down_and_up_as_the_models_say(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert [d for d in drift if any(name in repr(d) for name in (*TABLES, "interview_"))] == []
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert set(TABLES).isdisjoint(inspect(engine).get_table_names())
        assert "interview_at" not in {c["name"] for c in inspect(engine).get_columns("offer")}
        upgrade(fresh_url)
        engine.dispose()
        assert set(TABLES) <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert connection.execute(text("select count(*) from offer where interview_place is not null")).scalar_one() == 0
    finally:
        engine.dispose()
