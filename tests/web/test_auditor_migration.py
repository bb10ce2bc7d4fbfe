"""The auditor role's migration, down and up again, on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "5f1e2c7a9b31"  # the revision just before the auditor role
INSERT = text("insert into \"user\" (login, full_name, role, password_hash, active, created_at, password_changed_at) "
              "values ('audit@x.ml', 'Audit', 'auditor', '-', true, '2026-01-01', '2026-01-01')")  # fmt: skip


def test_the_migration_goes_down_and_up_again(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:
            connection.execute(INSERT)
        command.downgrade(alembic_config(fresh_url), BEFORE)
        with engine.connect() as connection:
            assert connection.execute(text("select count(*) from \"user\" where role = 'auditor'")).scalar_one() == 0
        upgrade(fresh_url)
        with engine.begin() as connection:
            connection.execute(INSERT)
            assert connection.execute(text("select count(*) from \"user\" where role = 'auditor'")).scalar_one() == 1
    finally:
        engine.dispose()
