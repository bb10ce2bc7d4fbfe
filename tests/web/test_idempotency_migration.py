"""The migration adding the Idempotency-Key replies, down and up, on both databases; its table is the model's."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import web.tables  # noqa: F401  (every model in the metadata)
from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "d4e8a1c6b702"  # the revision before the Idempotency-Key replies
TABLE = "idempotent_reply"


def test_the_replies_table_goes_down_and_up_as_the_model_says(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert [d for d in drift if TABLE in repr(d)] == []
        assert TABLE in inspect(engine).get_table_names()
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert TABLE not in inspect(engine).get_table_names()
        upgrade(fresh_url)
        engine.dispose()
        assert TABLE in inspect(engine).get_table_names()
    finally:
        engine.dispose()
