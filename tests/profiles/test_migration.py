"""The cohorts' migration on a database holding trainees and accounts from before it, down and up again, on both databases."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "5b04db6aa8db"  # the revision just before the cohorts
NEW_TABLES = {"cohort", "training_centre", "attendance", "certification_award"}


def test_the_migration_goes_down_and_up_again(fresh_url: str) -> None:
    upgrade(fresh_url, BEFORE)
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:  # a trainee and an account from before cohorts
            connection.execute(text("insert into trainee_profile (code, full_name, home_town, mobility, extra_towns, languages, "
                                    "literacy, experience, skills, certifications, driving_licences, preferred_levels, "
                                    "preferred_shifts, consent_to_share, created_at, updated_at) values ('T-1', 'Awa', "
                                    "'Bamako', 'town', '[]', '[]', 'basic', '[]', '[]', '[]', '[]', '[]', '[]', false, "
                                    "'2026-01-01', '2026-01-01')"))  # fmt: skip
        upgrade(fresh_url)
        with engine.begin() as connection:
            row = connection.execute(text("select overall_from_modules, dropped_out_on from trainee_profile")).one()
            assert (bool(row[0]), row[1]) == (False, None)
            connection.execute(text("insert into training_centre (name, created_at) values ('Centre', '2026-01-01')"))
            connection.execute(text("insert into \"user\" (login, full_name, role, password_hash, active, created_at, "
                                    "password_changed_at, centre_id) select 'ecole@x.ml', 'École', 'school', '-', true, "
                                    "'2026-01-01', '2026-01-01', id from training_centre"))  # fmt: skip
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert not NEW_TABLES & set(inspect(engine).get_table_names())
        assert "dropped_out_on" not in {c["name"] for c in inspect(engine).get_columns("trainee_profile")}
        with engine.connect() as connection:
            assert connection.execute(text('select count(*) from "user"')).scalar_one() == 0  # the school's account went
        upgrade(fresh_url)
        engine.dispose()
        assert NEW_TABLES <= set(inspect(engine).get_table_names())
        assert "centre_id" in {c["name"] for c in inspect(engine).get_columns("user")}
    finally:
        engine.dispose()
