"""Alembic environment: the tables are SQLModel's metadata; the URL comes from the settings."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import web.tables  # noqa: F401  (registers every table on the metadata)
from web.db import get_engine, make_engine
from web.migrate import include_object

config = context.config
target_metadata = SQLModel.metadata


def run_offline() -> None:
    """Write the SQL instead of running it."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the configured database, batch mode for SQLite's ALTER TABLE."""
    url = config.get_main_option("sqlalchemy.url")
    engine = make_engine(url) if url else get_engine()
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # Batch mode rebuilds a table (create, copy, drop, rename): with foreign keys enforced, dropping a table
                # other rows refer to fails. SQLite's own procedure: keys off outside the transaction, checked after.
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("the migration left rows whose foreign keys point nowhere")
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
    finally:
        if url:
            engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
