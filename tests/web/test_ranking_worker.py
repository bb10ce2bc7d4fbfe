"""The ranking worker: stored rankings match a full rebuild after changes, on both databases; pages say how fresh."""

from __future__ import annotations

import json
import random
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from employers import ranking_worker
from employers.models import Placement, Vacancy, VacancyStatus
from employers.ranking_store import RankingWork, StoredRanking
from profiles.models import TraineeProfile
from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.test_employers import signed_in_employer
from web.bench_web import seed
from web.config import get_settings

TOP = 5  # short lists, so that changes push candidates in and out of them


def snapshot(engine: Engine) -> dict[int, Any]:
    """Return every stored ranking as comparable data (candidates, counts, failure counts)."""
    from employers.candidates import _failure_counts

    with Session(engine) as session:
        rows = session.exec(select(StoredRanking).order_by(col(StoredRanking.vacancy_id))).all()
        return {
            r.vacancy_id: (
                [(c["code"], c["score"], c["reasons"]["fr"], c["skills"]) for c in r.candidates],
                r.eligible_count, r.pool_count,
                sorted((key, n) for (key, _), n in zip(r.failures, _failure_counts(r), strict=True) if n),
            )
            for r in rows
        }  # fmt: skip


def change_some(session: Session, rng: random.Random) -> None:
    """Edit trainees (town, certifications, experience, consent), place one, and edit a vacancy's requirement."""
    profiles = session.exec(select(TraineeProfile).order_by(col(TraineeProfile.id))).all()
    for row in rng.sample(profiles, 12):
        record = row.to_exchange().model_dump(mode="json")
        choice = rng.randrange(4)
        if choice == 0:
            record["certifications"] = sorted({*record["certifications"], "SSIAP1"})
        elif choice == 1:
            record["home_town"] = "Kati"
        elif choice == 2:
            record["security_years"] = 12.0
        else:
            row.consent_to_share = not row.consent_to_share
        row.apply_exchange(type(row.to_exchange()).model_validate(record))
        session.add(row)
    first = session.exec(select(Vacancy).where(Vacancy.status == VacancyStatus.open).order_by(col(Vacancy.id))).first()
    assert first is not None
    first.min_experience_years = 1.0
    session.add(first)
    placed = profiles[-1]
    session.add(Placement(code="P-TEST-1", trainee_id=placed.id or 0, employer_id=first.employer_id, employer_name="x",
                          level="guard", start_date=first.created_at.date(), salary_fcfa_month=60000))  # fmt: skip
    session.commit()


def test_taking_changes_in_gives_what_a_full_rebuild_gives(engine: Engine, session: Session) -> None:
    seed(session, trainees=300, vacancies=24, seed_value=5)
    session.commit()
    first = ranking_worker.run_step(engine, top=TOP)
    assert first.rebuilt and first.vacancies == 24
    change_some(session, random.Random(3))
    queued = session.exec(select(RankingWork)).all()
    assert {w.kind for w in queued} == {"trainee", "vacancy"}
    session.commit()  # end the test's read transaction (SQLite: it holds the write lock)
    step = ranking_worker.run_step(engine, top=TOP)
    assert not step.rebuilt and step.trainees == 13 and step.work == len(queued)
    assert session.exec(select(RankingWork)).all() == []
    session.commit()
    incremental = snapshot(engine)
    ranking_worker.run_step(engine, top=TOP, full=True)
    rebuilt = snapshot(engine)
    assert len(rebuilt) == 24
    assert json.dumps(incremental, sort_keys=True) == json.dumps(rebuilt, sort_keys=True)


def test_a_closed_vacancy_loses_its_ranking_and_a_published_one_gets_one(engine: Engine, session: Session) -> None:
    seed(session, trainees=60, vacancies=6, seed_value=8)
    session.commit()
    ranking_worker.run_step(engine, top=TOP)
    closing, drafting = session.exec(select(Vacancy).order_by(col(Vacancy.id)).limit(2)).all()
    closing.status, drafting.status = VacancyStatus.closed, VacancyStatus.draft
    session.add_all([closing, drafting])
    session.commit()
    ranking_worker.run_step(engine, top=TOP)
    still_open = {v.id for v in session.exec(select(Vacancy).where(Vacancy.status == VacancyStatus.open))}
    session.commit()
    assert set(snapshot(engine)) == still_open and closing.id not in still_open
    drafting.status = VacancyStatus.open
    session.add(drafting)
    session.commit()
    published = drafting.id
    session.commit()
    step = ranking_worker.run_step(engine, top=TOP)
    assert (step.rebuilt, step.vacancies) == (False, 1)
    assert published in snapshot(engine)


def test_the_vacancy_page_says_how_fresh_the_stored_ranking_is(engine: Engine, session: Session, client: Client) -> None:
    company = signed_in_employer(client, session)
    post = stored_vacancy(session, company)
    first, second = profile(session), profile(session)
    one, other, url = first.code, second.code, f"/employer/vacancies/{post.id}"
    before = client.get(url).text  # no worker yet: ranked in the process
    assert "mise à jour en cours" not in before and one in before and other in before
    session.commit()
    # the worker ran: its heartbeat is recent, pages read the store
    ranking_worker.run_step(
        engine, top=get_settings().ranking_top
    )  # the worker ran: its heartbeat is recent, pages read the store
    stored_page = client.get(url).text
    assert "Classement du" in stored_page and "mise à jour en cours" not in stored_page
    first.consent_to_share = False
    session.add(first)
    session.commit()
    waiting = client.get(url).text
    assert "mise à jour en cours" in waiting and one in waiting  # the page did not wait: the stored ranking
    ranking_worker.run_step(engine, top=get_settings().ranking_top)
    after = client.get(url).text
    assert "mise à jour en cours" not in after and one not in after and other in after
    client.cookies.set("rdvm_lang", "en")
    english = client.get(url).text
    assert "Ranking of" in english


def test_a_full_rebuild_takes_in_more_changes_than_one_batch(engine: Engine, session: Session, monkeypatch: Any) -> None:
    monkeypatch.setattr(ranking_worker, "BATCH", 10)
    seed(session, trainees=40, vacancies=3, seed_value=2)  # 43 changes queued
    session.commit()
    step = ranking_worker.run_step(engine, top=TOP)
    assert step.rebuilt and step.work == 43  # not only the batch of 10
    assert session.exec(select(RankingWork)).all() == []
    session.commit()
