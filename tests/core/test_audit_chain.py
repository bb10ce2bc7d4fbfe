"""The audit trail's hash chain: events chained at commit, in order and without gaps, on SQLite and PostgreSQL;
an edit, a deletion or a broken link found by `verify`; concurrent writers keep one valid chain; the migration
chains the events recorded before it."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, insert, inspect, text
from sqlmodel import Session, col, select

from core import audit
from core.audit import AuditEvent
from web.db import make_engine
from web.migrate import alembic_config, upgrade

WRITERS = 6
TRANSACTIONS = 8
EVENTS = 3


def _record(session: Session, n: int, **extra: object) -> AuditEvent:
    return audit.record(session, actor_id=None, entity="probe", entity_id=n, action="touch", details={"n": n, **extra})


def _chain(session: Session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).order_by(col(AuditEvent.seq))))


class TestChainAtCommit:
    def test_events_get_consecutive_places_each_linked_to_the_one_before(self, session: Session) -> None:
        for n in range(3):
            _record(session, n, text="Société Générale — é")
        session.commit()
        _record(session, 3)
        session.commit()
        events = _chain(session)
        assert [e.seq for e in events] == [1, 2, 3, 4]
        assert [e.entity_id for e in events] == [0, 1, 2, 3]
        assert events[0].prev_hash is None
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        assert all(e.hash == audit.event_hash(e.model_dump()) for e in events)
        assert audit.verify(session) == audit.ChainCheck(4, None)

    def test_an_event_is_unchained_until_its_transaction_commits(self, session: Session) -> None:
        event = _record(session, 1)
        assert (event.seq, event.hash) == (None, None)
        session.commit()
        assert event.seq == 1

    def test_rolled_back_events_take_no_place(self, session: Session) -> None:
        _record(session, 1)
        session.rollback()
        with session.begin_nested() as savepoint:
            _record(session, 2)
            savepoint.rollback()
        _record(session, 3)
        session.commit()
        assert [(e.seq, e.entity_id) for e in _chain(session)] == [(1, 3)]

    def test_an_event_added_without_record_is_chained_too(self, session: Session) -> None:
        session.add(AuditEvent(entity="probe", action="touch"))
        session.commit()
        assert audit.verify(session).checked == 1

    def test_events_inserted_in_bulk_are_chained_too(self, session: Session) -> None:
        rows = [{"entity": "probe", "action": "load", "entity_id": n, "at": datetime(2026, 1, 1, tzinfo=UTC)} for n in range(3)]
        session.execute(insert(AuditEvent), rows)
        session.commit()
        assert audit.verify(session) == audit.ChainCheck(3, None)


class TestVerify:
    @pytest.fixture
    def five(self, session: Session) -> list[AuditEvent]:
        for n in range(5):
            _record(session, n)
        session.commit()
        return _chain(session)

    def test_an_edited_reason_breaks_its_event_content(self, session: Session, five: list[AuditEvent]) -> None:
        session.execute(text("UPDATE audit_event SET reason = 'rien' WHERE seq = 3"))
        session.commit()
        check = audit.verify(session)
        assert check.checked == 2
        assert check.broken is not None
        assert (check.broken.seq, check.broken.event_id, check.broken.problem) == (3, five[2].id, "content")

    def test_a_deleted_event_leaves_a_gap(self, session: Session, five: list[AuditEvent]) -> None:
        session.execute(text("DELETE FROM audit_event WHERE seq = 2"))
        session.commit()
        check = audit.verify(session)
        assert check.broken == audit.Break(3, five[2].id or 0, "gap", "2", "3")

    def test_a_rewritten_hash_breaks_the_next_link(self, session: Session, five: list[AuditEvent]) -> None:
        original = five[3].hash
        session.execute(text("UPDATE audit_event SET reason = 'x' WHERE seq = 4"))
        session.commit()
        edited = session.exec(select(AuditEvent).where(AuditEvent.seq == 4)).one()
        session.refresh(edited)
        forged = audit.event_hash(edited.model_dump())
        session.execute(text("UPDATE audit_event SET hash = :h WHERE seq = 4"), {"h": forged})
        session.commit()
        check = audit.verify(session)
        assert check.broken is not None
        assert (check.broken.seq, check.broken.problem, check.broken.expected, check.broken.found) == (
            5,
            "link",
            forged,
            original,
        )

    def test_an_event_taken_out_of_the_chain_is_named(self, session: Session, five: list[AuditEvent]) -> None:
        session.execute(text("UPDATE audit_event SET seq = NULL WHERE seq = 5"))
        session.commit()
        assert audit.verify(session) == audit.ChainCheck(4, audit.Break(None, five[4].id or 0, "unchained", "5", None))


def test_concurrent_writers_keep_one_valid_chain(engine: Engine) -> None:
    """Writers released together, each committing transactions of several events: every event chained once, in order."""
    ready = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        with Session(engine) as session:
            ready.wait()
            for t in range(TRANSACTIONS):
                for n in range(EVENTS):
                    _record(session, n, writer=writer, transaction=t)
                session.commit()

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write, range(WRITERS)))
    with Session(engine) as session:
        total = WRITERS * TRANSACTIONS * EVENTS
        assert audit.verify(session) == audit.ChainCheck(total, None)
        # a transaction's events are consecutive: the lock is held from reading the chain's end to the commit
        by_transaction: dict[tuple[int, int], list[int]] = defaultdict(list)
        for event in _chain(session):
            by_transaction[(event.details or {})["writer"], (event.details or {})["transaction"]].append(event.seq or 0)
        assert len(by_transaction) == WRITERS * TRANSACTIONS
        assert all(seqs == list(range(seqs[0], seqs[0] + EVENTS)) for seqs in by_transaction.values())


def test_the_migration_chains_the_events_recorded_before_it(fresh_url: str) -> None:
    upgrade(fresh_url, "8446df54902e")
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:
            for n, at in enumerate([datetime(2026, 1, 5, 9, 30, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)]):
                connection.execute(
                    text("INSERT INTO audit_event (at, entity, entity_id, action, to_state, details) "
                         "VALUES (:at, 'offer', :n, 'accepted', 'accepted', :details)"),
                    {"at": at, "n": n, "details": '{"b": 1, "a": "é"}'},
                )  # fmt: skip
        upgrade(fresh_url)
        engine.dispose()
        with Session(engine) as session:
            assert audit.verify(session) == audit.ChainCheck(2, None)
            _record(session, 9)
            session.commit()
            assert audit.verify(session) == audit.ChainCheck(3, None)
        command.downgrade(alembic_config(fresh_url), "8446df54902e")
        engine.dispose()
        assert "seq" not in {c["name"] for c in inspect(engine).get_columns("audit_event")}
        upgrade(fresh_url)
        engine.dispose()
        with Session(engine) as session:
            assert audit.verify(session) == audit.ChainCheck(3, None)
    finally:
        engine.dispose()
