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


def change_some(session: Session, rng: random.Random, round_: int = 0) -> None:
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
    placed = profiles[-1 - round_]
    session.add(Placement(code=f"P-TEST-{round_ + 1}", trainee_id=placed.id or 0, employer_id=first.employer_id,
                          employer_name="x", level="guard", start_date=first.created_at.date(),
                          salary_fcfa_month=60000))  # fmt: skip
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


def assert_as_rebuilt(engine: Engine) -> None:
    """Assert that the stored rankings are what a full rebuild stores."""
    incremental = snapshot(engine)
    ranking_worker.run_step(engine, top=TOP, full=True)
    assert json.dumps(incremental, sort_keys=True) == json.dumps(snapshot(engine), sort_keys=True)


def full_reads(monkeypatch: Any) -> list[None]:
    """Count the worker's reads of the whole pool (`load_pool` without ids) from now on."""
    reads: list[None] = []
    real = ranking_worker.load_pool

    def counted(session: Session, *, ids: Any = None) -> Any:
        if ids is None:
            reads.append(None)
        return real(session, ids=ids)

    monkeypatch.setattr(ranking_worker, "load_pool", counted)
    return reads


def ranked(engine: Engine, session: Session, *, trainees: int, vacancies: int, seed_value: int) -> None:
    """Seed a pool and let the worker build every ranking (and keep the pool)."""
    seed(session, trainees=trainees, vacancies=vacancies, seed_value=seed_value)
    session.commit()
    assert ranking_worker.run_step(engine, top=TOP).rebuilt


class TestKeptPool:
    def test_steps_take_changes_in_on_the_kept_pool_as_a_full_rebuild_would(
        self, engine: Engine, session: Session, monkeypatch: Any
    ) -> None:
        ranked(engine, session, trainees=300, vacancies=24, seed_value=6)
        reads = full_reads(monkeypatch)
        for round_ in range(2):  # the second step works on what the first one kept
            change_some(session, random.Random(10 + round_), round_)
            session.commit()
            step = ranking_worker.run_step(engine, top=TOP)
            assert not step.rebuilt and step.vacancies > 0
        assert reads == []  # no step read the whole pool again
        assert_as_rebuilt(engine)

    def test_a_change_taken_in_by_another_process_makes_the_pool_read_again(
        self, engine: Engine, session: Session, monkeypatch: Any
    ) -> None:
        ranked(engine, session, trainees=60, vacancies=6, seed_value=7)
        change_some(session, random.Random(4))
        with monkeypatch.context() as other_process:  # another worker: nothing kept, its own heartbeat written
            other_process.setattr(ranking_worker, "_kept", ranking_worker.Kept())
            ranking_worker.run_step(engine, top=TOP)
        reads = full_reads(monkeypatch)
        vacancy = session.exec(select(Vacancy).where(Vacancy.status == VacancyStatus.open).order_by(col(Vacancy.id))).first()
        assert vacancy is not None
        vacancy.min_experience_years = 0.5
        session.add(vacancy)
        session.commit()
        ranking_worker.run_step(engine, top=TOP)
        assert reads == [None]  # what this process kept missed the other's changes: read again
        assert_as_rebuilt(engine)


def test_a_company_reads_the_eligible_counts_of_its_own_vacancies_from_the_store(engine: Engine, session: Session) -> None:
    from employers import ranking_store
    from employers import service as employers_service
    from tests.web.factories import employer

    mine, theirs = employer(session), employer(session)
    post, other = stored_vacancy(session, mine), stored_vacancy(session, theirs)
    for _ in range(3):
        profile(session)
    session.commit()

    def counts() -> dict[str, int | None]:
        rows = employers_service.list_vacancies(session=session, employer_id=mine.id or 0)
        return {row.vacancy.code: row.eligible_count for row in rows}

    in_process = counts()  # no worker yet: ranked in the process
    session.commit()
    ranking_worker.run_step(engine, top=get_settings().ranking_top)
    stored = ranking_store.stored_eligible_counts(session, [post.id or 0])
    assert stored is not None and set(stored) == {post.code}
    assert other.code in (ranking_store.stored_eligible_counts(session) or {})
    assert counts() == in_process == {post.code: 3}
