"""The migration of the trainees' search text, down and up, on both databases: existing profiles are found as before."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session

import web.tables  # noqa: F401  (every model in the metadata)
from profiles import service
from profiles.models import SEARCH_TRIGRAM_INDEX as TRIGRAM_INDEX
from web.db import make_engine
from web.migrate import alembic_config, schema_drift, upgrade

BEFORE = "dd28360ba26e"  # the revision before the search text
INSERT = ("insert into trainee_profile (code, full_name, home_town, mobility, extra_towns, languages, literacy, experience, "
          "skills, certifications, driving_licences, preferred_levels, preferred_shifts, consent_to_share, "
          "overall_from_modules, created_at, updated_at) values (:code, :name, 'Bamako', 'town', '[]', '[]', 'basic', '[]', "
          "'[]', '[]', '[]', '[]', '[]', false, false, '2026-01-01', '2026-01-01')")  # fmt: skip


def test_existing_profiles_get_their_search_text_and_are_found_by_name(fresh_url: str) -> None:
    upgrade(fresh_url, BEFORE)
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:  # more profiles than one batch of the migration holds
            connection.execute(text(INSERT), [{"code": f"T-{n:04d}", "name": f"Agent {n}"} for n in range(1, 1201)])
            connection.execute(text(INSERT), {"code": "T-2025-0001", "name": "Awa Traoré"})
        upgrade(fresh_url)
        engine.dispose()
        with engine.connect() as connection:
            drift = schema_drift(connection)
            texts = dict(connection.execute(text("select code, search_text from trainee_profile")).all())  # type: ignore[arg-type]
        assert [d for d in drift if "search_text" in repr(d)] == []  # the trigram index is left out (web.migrate)
        assert texts["T-2025-0001"] == "t 2025 0001 awa traore" and texts["T-1200"] == "t 1200 agent 1200"
        assert "" not in texts.values()
        indexes = {i["name"] for i in inspect(engine).get_indexes("trainee_profile")}
        assert (TRIGRAM_INDEX in indexes) == (engine.dialect.name == "postgresql")
        with Session(engine) as session:
            assert [p.code for p in service.matching_profiles(session=session, search="TRAORE awa")] == []
            assert [p.code for p in service.matching_profiles(session=session, search="awa traoré")] == ["T-2025-0001"]
            assert service.list_profiles(session=session, search="agent 12").total == 12  # 12, 120-129, 1200
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()
        assert "search_text" not in {c["name"] for c in inspect(engine).get_columns("trainee_profile")}
        assert TRIGRAM_INDEX not in {i["name"] for i in inspect(engine).get_indexes("trainee_profile")}
    finally:
        engine.dispose()
