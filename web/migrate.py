"""Run Alembic migrations from code (used by `rdvm db upgrade`, `make run` and the tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from profiles.models import SEARCH_TRIGRAM_INDEX

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    """Return the Alembic configuration of the project, pointed at a database URL."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Return whether autogenerate compares this object: not the indexes only a migration knows (PostgreSQL-only)."""
    return not (type_ == "index" and reflected and name == SEARCH_TRIGRAM_INDEX)


def schema_drift(connection: Connection) -> list[Any]:
    """Return how the database's schema differs from the models, as autogenerate would see it."""
    import web.tables  # noqa: F401  (registers every table on the metadata)

    return list(
        compare_metadata(MigrationContext.configure(connection, opts={"include_object": include_object}), SQLModel.metadata)
    )
