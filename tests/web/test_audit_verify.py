"""`rdvm audit verify` as shipped (the installed entry point, a fresh process, a fresh database on SQLite and
PostgreSQL): an intact trail is "ok"; an event edited or deleted with plain SQL is named, and the command fails."""

from __future__ import annotations

import os

from sqlalchemy import text
from sqlmodel import Session, col, select

from core import audit
from tests.web.test_commands_as_shipped import run
from web.db import make_engine


def test_verify_names_an_edited_then_a_deleted_event(fresh_url: str) -> None:
    env = {**os.environ, "RDVM_DATABASE_URL": fresh_url, "RDVM_SECRET_KEY": "test-only-key"}
    upgraded = run(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert run(env, "audit", "verify").stdout.strip() == "audit trail: 0 events checked, ok"
    engine = make_engine(fresh_url)
    try:
        with Session(engine) as session:
            for n in range(6):
                audit.record(session, actor_id=None, entity="vacancy", entity_id=n, action="publish", reason="ouverte")
                session.commit()  # one transaction per event, as the application writes them
            ids = list(session.exec(select(audit.AuditEvent.id).order_by(col(audit.AuditEvent.seq))))
        intact = run(env, "audit", "verify")
        assert (intact.returncode, intact.stdout.strip()) == (0, "audit trail: 6 events checked, ok")

        with engine.begin() as connection:
            connection.execute(text("UPDATE audit_event SET reason = 'fermée' WHERE seq = 4"))
        edited = run(env, "audit", "verify")
        assert edited.returncode == 1
        assert f"after 3 good event(s): event id {ids[3]} (seq 4): content edited" in edited.stderr

        with engine.begin() as connection:
            connection.execute(text("UPDATE audit_event SET reason = 'ouverte' WHERE seq = 4"))  # as it was
            connection.execute(text("DELETE FROM audit_event WHERE seq = 2"))
        deleted = run(env, "audit", "verify")
        assert deleted.returncode == 1
        assert f"after 1 good event(s): event id {ids[2]} (seq 3): gap: seq 2 expected, found 3" in deleted.stderr
    finally:
        engine.dispose()
