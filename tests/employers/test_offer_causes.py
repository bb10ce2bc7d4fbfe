"""Why the system moved an offer: a code (OfferCause) on the offer and its audit event, never a sentence.

The words for a cause live where they are shown (employers.notices for the messages, the pages' catalogue);
rewording them changes what people read and nothing the code decides. The migration that introduced the
code turns the sentences stored before into codes, and back, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from employers import notices, offers
from employers import service as employers_service
from employers.exceptions import AlreadyPlaced
from employers.models import CandidateRequest, Offer, OfferCause, OfferState
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role, User
from web.db import make_engine
from web.migrate import alembic_config, upgrade

START = date(2027, 1, 4)
#: The revision before causes were codes, and the sentences the system stored then.
BEFORE = "c23c8d2b00f1"
OLD_SENTENCES = {
    OfferCause.vacancy_closed: "offre fermée par la société",
    OfferCause.placed_elsewhere: "agent placé sur un autre poste",
    OfferCause.asked_by_employer: "demandé par la société",
}


def test_every_cause_has_its_words_in_the_notices() -> None:
    assert set(notices.CAUSES) == {cause.value for cause in OfferCause}


def placed_elsewhere(session: Session) -> tuple[Offer, Offer, User]:
    """Confirm a trainee's placement on one vacancy while accepted on another; return (confirmed, other, employer)."""
    company = employer(session)
    boss, officer = account(session, Role.employer, employer_id=company.id), account(session, Role.officer)
    trainee = profile(session)
    chosen, other = (offer_in(session, stored_vacancy(session, company), trainee, OfferState.accepted, by=officer) for _ in "ab")
    offers.confirm_placement(session=session, offer_id=chosen.id or 0, by=boss.actor, start_date=START, salary_fcfa_month=70_000)
    session.commit()
    session.refresh(other)
    return chosen, other, boss


def test_the_system_records_a_cause_and_no_sentence(session: Session) -> None:
    _, other, _ = placed_elsewhere(session)
    assert (other.state, other.cause, other.reason) == (OfferState.withdrawn, OfferCause.placed_elsewhere, None)
    [event] = [e for e in offers.audit_trail(session=session, trainee_id=other.trainee_id) if e.entity_id == other.id]
    assert (event.actor_id, event.to_state, event.cause, event.reason) == (None, "withdrawn", OfferCause.placed_elsewhere, None)


def test_rewording_a_cause_changes_no_decision(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored cause keeps its meaning whatever its words become: the racing confirmation is still "already placed"."""
    _, other, boss = placed_elsewhere(session)
    monkeypatch.setitem(notices.CAUSES, OfferCause.placed_elsewhere.value, "l'agent travaille déjà ailleurs")
    with pytest.raises(AlreadyPlaced):
        offers.confirm_placement(session=session, offer_id=other.id or 0, by=boss.actor, start_date=START,
                                 salary_fcfa_month=70_000)  # fmt: skip


def test_an_offer_made_again_forgets_why_it_was_withdrawn(session: Session) -> None:
    chosen, other, boss = placed_elsewhere(session)
    placement = offers.placement_of(session=session, offer_id=chosen.id or 0)
    assert placement is not None
    offers.end_placement(session=session, placement_id=placement.id or 0, by=boss.actor, end_date=START,
                           reason="contract_ended")  # fmt: skip
    officer = account(session, Role.officer)
    again = offers.propose_offer(session=session, vacancy_id=other.vacancy_id, trainee_id=other.trainee_id, by=officer.actor)
    assert (again.id, again.state, again.cause, again.reason) == (other.id, OfferState.offered, None, None)


# ---------------------------------------------------------------- the migration


def workflow_with_every_cause(engine: Engine) -> dict[str, int]:
    """Run the workflow so that each cause is recorded, beside a withdrawal whose reason a person wrote; return ids."""
    with Session(engine) as session:
        company = employer(session)
        boss, officer = account(session, Role.employer, employer_id=company.id), account(session, Role.officer)
        closing, kept = stored_vacancy(session, company), stored_vacancy(session, company, seats=5)
        on_closing = offer_in(session, closing, profile(session), OfferState.offered, by=officer)
        _, elsewhere, _ = placed_elsewhere(session)
        asked_for = profile(session)
        request = CandidateRequest(vacancy_id=kept.id or 0, trainee_id=asked_for.id or 0, requested_by=boss.id or 0)
        session.add(request)
        session.flush()
        requested = offers.shortlist_requested(session=session, request=request)
        by_hand = offer_in(session, kept, profile(session), OfferState.offered, by=officer)
        offers.withdraw_offer(session=session, offer_id=by_hand.id or 0, by=officer.actor, reason="poste supprimé")
        employers_service.close(session=session, vacancy_id=closing.id or 0, by=boss.actor)
        session.commit()
        assert requested is not None
        return {"vacancy_closed": on_closing.id or 0, "placed_elsewhere": elsewhere.id or 0,
                "asked_by_employer": requested.id or 0, "by_hand": by_hand.id or 0}  # fmt: skip


def rows(engine: Engine, table: str, columns: str) -> list[Any]:
    """Return some columns of a table's rows, in id order, read with plain SQL (whatever the models say)."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(f"select {columns} from {table} order by id"))]


def test_the_migration_turns_the_old_sentences_into_causes_and_back(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        ids = workflow_with_every_cause(engine)
        coded_offers = rows(engine, "offer", "id, cause, reason")
        # the offers' events: the revision before keeps no other (a vacancy closed: no trainee, no offer state)
        events = rows(engine, "audit_event", "id, cause, reason, entity")
        coded_events = [row[:3] for row in events if row[3] in ("offer", "placement")]
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        for table in ("offer", "audit_event"):
            assert "cause" not in {c["name"] for c in inspect(engine).get_columns(table)}
        reasons = dict(rows(engine, "offer", "id, reason"))
        assert {name: reasons[offer_id] for name, offer_id in ids.items()} == {
            "vacancy_closed": OLD_SENTENCES[OfferCause.vacancy_closed],
            "placed_elsewhere": OLD_SENTENCES[OfferCause.placed_elsewhere],
            "asked_by_employer": None,  # the offer stayed on the shortlist: only its audit event said why
            "by_hand": "poste supprimé",
        }
        written = {(offer_id, reason) for offer_id, reason in rows(engine, "audit_event", "entity_id, reason") if reason}
        assert written == {(ids["vacancy_closed"], OLD_SENTENCES[OfferCause.vacancy_closed]),
                           (ids["placed_elsewhere"], OLD_SENTENCES[OfferCause.placed_elsewhere]),
                           (ids["asked_by_employer"], OLD_SENTENCES[OfferCause.asked_by_employer]),
                           (ids["by_hand"], "poste supprimé")}  # fmt: skip
        if engine.dialect.name == "postgresql":
            assert not enum_type_exists(engine, "offercause")

        upgrade(fresh_url)  # the rows now hold the sentences the code used to write: they become causes again
        engine.dispose()
        assert rows(engine, "offer", "id, cause, reason") == coded_offers
        assert rows(engine, "audit_event", "id, cause, reason") == coded_events
        with Session(engine) as session:
            said_why = col(AuditEvent.to_state).in_(["withdrawn", "shortlisted"])
            moves = select(AuditEvent).where(AuditEvent.entity == "offer", said_why)
            by_offer = {e.entity_id: (e.cause, e.reason) for e in session.exec(moves)}
            assert by_offer == {ids["vacancy_closed"]: (OfferCause.vacancy_closed, None),
                                ids["placed_elsewhere"]: (OfferCause.placed_elsewhere, None),
                                ids["asked_by_employer"]: (OfferCause.asked_by_employer, None),
                                ids["by_hand"]: (None, "poste supprimé")}  # fmt: skip
    finally:
        engine.dispose()


def enum_type_exists(engine: Engine, name: str) -> bool:
    """Return whether PostgreSQL holds an enum type of this name in the connection's schema."""
    query = text("select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace "
                 "where t.typname = :name and n.nspname = current_schema()")  # fmt: skip
    with engine.connect() as connection:
        return bool(connection.execute(query, {"name": name}).scalar_one())
