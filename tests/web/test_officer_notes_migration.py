"""The migration adding the officers' notes and the override's private note, down and up, on both databases."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "d4e8a1c6b2f7"  # the revision before the officers' notes


def test_the_notes_table_and_the_private_note_go_down_and_up_as_the_models_say(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert [d for d in drift if "trainee_note" in repr(d) or "override_note" in repr(d)] == []
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert "trainee_note" not in inspect(engine).get_table_names()
        assert "override_note" not in {c["name"] for c in inspect(engine).get_columns("offer")}
        upgrade(fresh_url)
        engine.dispose()
        assert "trainee_note" in inspect(engine).get_table_names()
        assert "override_note" in {c["name"] for c in inspect(engine).get_columns("offer")}
    finally:
        engine.dispose()
