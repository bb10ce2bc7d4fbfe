"""The migration that marks PIN attempts, down and up, on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "a90e878eac8f"


def test_sign_in_attempts_get_a_pin_mark_and_lose_it_again(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()
        assert "pin" not in {c["name"] for c in inspect(engine).get_columns("sign_in_attempt")}
        with engine.begin() as connection:
            connection.execute(text("insert into sign_in_attempt (login, client, at) values ('+22376000000', 'x', :at)"),
                               {"at": "2027-01-01 00:00:00+00:00"})  # fmt: skip
        upgrade(fresh_url)
        engine.dispose()
        assert "pin" in {c["name"] for c in inspect(engine).get_columns("sign_in_attempt")}
        assert "ix_sign_in_attempt_pin_at" in {i["name"] for i in inspect(engine).get_indexes("sign_in_attempt")}
        with engine.connect() as connection:  # attempts from before counted a minute only: none is kept
            assert connection.execute(text("select count(*) from sign_in_attempt")).scalar_one() == 0
    finally:
        engine.dispose()
