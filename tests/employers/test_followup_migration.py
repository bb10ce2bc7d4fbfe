"""The migration adding follow-up reminders, down and up, on both databases; the table it makes is the model's."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "a7c3e91d2f04"  # the revision before follow-up reminders


def test_the_reminders_table_goes_down_and_up_as_the_model_says(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert [d for d in drift if "follow_up_reminder" in repr(d)] == []
        assert "follow_up_reminder" in inspect(engine).get_table_names()
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert "follow_up_reminder" not in inspect(engine).get_table_names()
        upgrade(fresh_url)
        engine.dispose()
        assert "follow_up_reminder" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
