"""The migration adding the index of the trainees still in the programme, down and up, on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from web.db import make_engine
from web.migrate import alembic_config, schema_drift, upgrade

BEFORE = "86a42d2f99bd"  # the revision before the index
INDEX = "ix_trainee_profile_in_programme"


def test_the_index_goes_down_and_up_as_the_model_says(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with engine.connect() as connection:
            drift = schema_drift(connection)
        assert [d for d in drift if "trainee_profile" in repr(d)] == []
        assert INDEX in {i["name"] for i in inspect(engine).get_indexes("trainee_profile")}
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert INDEX not in {i["name"] for i in inspect(engine).get_indexes("trainee_profile")}
        upgrade(fresh_url)
        engine.dispose()
        assert INDEX in {i["name"] for i in inspect(engine).get_indexes("trainee_profile")}
    finally:
        engine.dispose()
