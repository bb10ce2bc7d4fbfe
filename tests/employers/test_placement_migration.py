"""The migration that gave placements their history fields, on placements from before it, down and up, on both databases."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session

from employers import offers
from employers.models import OfferState
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role
from web.db import make_engine
from web.migrate import alembic_config, upgrade

BEFORE = "e60e8277cc5d"  # the revision before placements had a code, an end day and a reason code
NEW_TABLES = {"follow_up", "employment_confirmation"}


def test_placements_from_before_get_their_code_employer_and_end(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with Session(engine) as session:
            company = employer(session)
            boss, officer = account(session, Role.employer, employer_id=company.id), account(session, Role.officer)
            vacancy = stored_vacancy(session, company, seats=2)
            ended, active = (offer_in(session, vacancy, profile(session), OfferState.accepted, by=officer) for _ in "ab")
            for offer in (ended, active):
                offers.confirm_placement(session=session, offer_id=offer.id or 0, by=boss.actor, start_date=date(2027, 1, 4),
                                         salary_fcfa_month=70_000)  # fmt: skip
            first = offers.placement_of(session=session, offer_id=ended.id or 0)
            assert first is not None
            offers.end_placement(session=session, placement_id=first.id or 0, by=boss.actor, end_date=date(2027, 1, 4),
                                 reason="other", note="fin de contrat")  # fmt: skip
            session.commit()
            names = (company.name, vacancy.level, vacancy.town)
            offer_ids = (ended.id, active.id)
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert not NEW_TABLES & set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            before = connection.execute(text("select end_reason from placement order by id")).all()
        assert [row[0] for row in before] == ["fin de contrat", None]
        upgrade(fresh_url)
        engine.dispose()
        assert NEW_TABLES <= set(inspect(engine).get_table_names())
        query = "select code, employer_name, level, town, end_reason, end_note, end_date from placement order by id"
        with engine.connect() as connection:
            after = [tuple(row) for row in connection.execute(text(query))]
        ended_day = after[0][6]
        assert after == [
            (f"P-{offer_ids[0]:05d}", *names, "other", "fin de contrat", ended_day),
            (f"P-{offer_ids[1]:05d}", *names, None, None, None),
        ]
        assert ended_day is not None
    finally:
        engine.dispose()
