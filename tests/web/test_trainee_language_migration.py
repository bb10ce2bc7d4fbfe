"""The migration of the trainees' language and forgotten-PIN codes, down and up, on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "d4e8a1c6f2b7"


def test_profiles_keep_their_rows_gain_a_language_and_pin_codes_get_their_table(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()
        assert "pin_reset_code" not in inspect(engine).get_table_names()
        assert "message_language" not in {c["name"] for c in inspect(engine).get_columns("trainee_profile")}
        with engine.begin() as connection:
            connection.execute(text(
                "insert into trainee_profile (code, full_name, home_town, mobility, extra_towns, languages, literacy, "
                "experience, skills, certifications, driving_licences, preferred_levels, preferred_shifts, consent_to_share, "
                "created_at, updated_at) values ('T-1', 'TOURE Sambou', 'Bamako', 'town', '[]', '[]', 'basic', '[]', '[]', "
                "'[]', '[]', '[]', '[]', false, :at, :at)"), {"at": "2027-01-01 00:00:00+00:00"})  # fmt: skip
        upgrade(fresh_url)
        engine.dispose()
        assert "pin_reset_code" in inspect(engine).get_table_names()
        with engine.connect() as connection:  # the trainee is still there, typed as they were, in French
            row = connection.execute(text("select full_name, message_language from trainee_profile")).one()
        assert tuple(row) == ("TOURE Sambou", None)
    finally:
        engine.dispose()
