"""Confirming placements at the same moment: seats, one active placement per trainee, double submits.

Many threads (each with its own Session) or processes (each with its own engine) are released together by a
barrier and confirm at once, round after round, on SQLite (WAL, BEGIN IMMEDIATE) and PostgreSQL. A refusal
must be a clear domain refusal (VacancyFull, AlreadyPlaced); any other exception, "database is locked"
included, fails the test. The figures of each test (rounds, successes, refusals, time) are printed in the
"concurrency figures" section of pytest's summary, with or without -s.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from employers import offers
from employers.exceptions import AlreadyPlaced, VacancyFull
from employers.lifecycle import Actor
from employers.models import Employer, Offer, OfferState, Placement, Vacancy, VacancyStatus
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role, User
from web.db import make_engine

THREADS = 12
PROCESSES = 8
ROUNDS = 20
SEATS = 3
START = date(2027, 1, 4)

#: "placed:<placement id>", "full", "already_placed:index" (refused by the partial unique index: the competitor had
#: not committed yet), "already_placed:check" (the competitor's placement was already visible), or "error: ..."
Outcome = str


def confirm(engine: Engine, offer_id: int, by: Actor, ready: Callable[[], Any]) -> Outcome:
    """Confirm one offer in a session of its own, starting when every competitor is ready; return what happened."""
    with Session(engine) as session:
        ready()
        try:
            placement = offers.confirm_placement(session=session, offer_id=offer_id, by=by, start_date=START,
                                                 salary_fcfa_month=70_000)  # fmt: skip
            session.commit()
            return f"placed:{placement.id}"
        except VacancyFull:
            session.rollback()
            return "full"
        except AlreadyPlaced as refused:
            session.rollback()
            return "already_placed:index" if isinstance(refused.__cause__, IntegrityError) else "already_placed:check"
        except Exception as exc:  # noqa: BLE001  (any other failure is what the test looks for)
            session.rollback()
            return f"error: {type(exc).__name__}: {str(exc).splitlines()[0]}"


def kind(outcome: Outcome) -> str:
    return outcome.split(":", 1)[0]


@dataclass
class Figures:
    """What a test measured, for the summary and the assertion messages."""

    label: str
    rounds: int = 0
    outcomes: Counter[str] | None = None
    seconds: float = 0.0
    slowest_round: float = 0.0

    def add(self, outcomes: Sequence[Outcome], seconds: float) -> None:
        self.rounds += 1
        self.outcomes = (self.outcomes or Counter()) + Counter(o if o.startswith("already") else kind(o) for o in outcomes)
        self.seconds += seconds
        self.slowest_round = max(self.slowest_round, seconds)

    def __str__(self) -> str:
        counts = ", ".join(f"{name} {n}" for name, n in sorted((self.outcomes or Counter()).items()))
        return (f"{self.label}: {self.rounds} rounds, {counts}; {self.seconds:.2f} s racing, slowest round "
                f"{self.slowest_round * 1000:.0f} ms")  # fmt: skip


def race(engine: Engine, offer_ids: Sequence[int], by: Actor) -> tuple[list[Outcome], float]:
    """Confirm these offers in as many threads, released together; return the outcomes and the time taken."""
    barrier = threading.Barrier(len(offer_ids))
    with ThreadPoolExecutor(len(offer_ids)) as pool:
        start = time.perf_counter()
        outcomes = list(pool.map(lambda offer_id: confirm(engine, offer_id, by, lambda: barrier.wait(timeout=60)), offer_ids))
        return outcomes, time.perf_counter() - start


@dataclass(frozen=True)
class Cast:
    """A company, its employer, an officer: ids only, usable from any thread or process."""

    employer_id: int
    boss: Actor
    officer_id: int


def cast(engine: Engine) -> Cast:
    with Session(engine) as session:
        company = employer(session)
        boss, officer = account(session, Role.employer, employer_id=company.id), account(session, Role.officer)
        return Cast(company.id or 0, boss.actor, officer.id or 0)


def accepted_offers(engine: Engine, who: Cast, *, vacancies: int, trainees: int, seats: int) -> list[int]:
    """Store vacancies and trainees, and an accepted offer for each pair; return the offers' ids.

    The setup session is closed before anyone races: on SQLite an open transaction holds the write lock.
    """
    with Session(engine) as session:
        company = session.get_one(Employer, who.employer_id)
        posts = [stored_vacancy(session, company, seats=seats) for _ in range(vacancies)]
        people = [profile(session) for _ in range(trainees)]
        officer = session.get_one(User, who.officer_id)
        return [offer_in(session, post, person, OfferState.accepted, by=officer).id or 0 for post in posts for person in people]


def report(record_property: Callable[[str, object], None], figures: Figures) -> None:
    record_property("concurrency", str(figures))


def no_errors(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if kind(o) not in ("placed", "full", "already_placed")]


# ---------------------------------------------------------------- threads


def test_a_vacancy_never_takes_more_placements_than_seats(engine: Engine, record_property: Any) -> None:
    who, figures = cast(engine), Figures(f"{engine.dialect.name}, {THREADS} threads, {SEATS} seats, distinct trainees")
    for _ in range(ROUNDS):
        offer_ids = accepted_offers(engine, who, vacancies=1, trainees=THREADS, seats=SEATS)
        outcomes, seconds = race(engine, offer_ids, who.boss)
        figures.add(outcomes, seconds)
        assert no_errors(outcomes) == [], f"{figures}: {no_errors(outcomes)}"
        assert Counter(kind(o) for o in outcomes) == {"placed": SEATS, "full": THREADS - SEATS}, str(figures)
    report(record_property, figures)
    with Session(engine) as session:
        seats_taken = session.exec(select(Vacancy.filled_seats, Vacancy.status, func.count(col(Placement.id)))
                                   .join(Placement).group_by(col(Vacancy.id))).all()  # fmt: skip
        assert seats_taken == [(SEATS, VacancyStatus.filled, SEATS)] * ROUNDS, str(figures)


def test_a_trainee_accepted_by_several_vacancies_is_placed_once(engine: Engine, record_property: Any) -> None:
    who, figures = cast(engine), Figures(f"{engine.dialect.name}, {THREADS} threads, one trainee, {THREADS} vacancies")
    for _ in range(ROUNDS):
        offer_ids = accepted_offers(engine, who, vacancies=THREADS, trainees=1, seats=SEATS)
        outcomes, seconds = race(engine, offer_ids, who.boss)
        figures.add(outcomes, seconds)
        assert no_errors(outcomes) == [], f"{figures}: {no_errors(outcomes)}"
        assert Counter(kind(o) for o in outcomes) == {"placed": 1, "already_placed": THREADS - 1}, str(figures)
    report(record_property, figures)
    with Session(engine) as session:
        per_trainee = session.exec(select(func.count()).select_from(Placement).group_by(col(Placement.trainee_id))).all()
        assert per_trainee == [1] * ROUNDS, str(figures)
        assert session.exec(select(func.sum(Vacancy.filled_seats))).one() == ROUNDS, str(figures)
        withdrawn = session.exec(select(func.count()).select_from(Offer).where(Offer.state == OfferState.withdrawn)).one()
        assert withdrawn == ROUNDS * (THREADS - 1), str(figures)  # the placement withdrew the trainee's other offers


def test_a_double_submitted_confirmation_makes_one_placement(engine: Engine, record_property: Any) -> None:
    who, figures = cast(engine), Figures(f"{engine.dialect.name}, {THREADS} threads confirming one offer")
    for _ in range(ROUNDS):
        [offer_id] = accepted_offers(engine, who, vacancies=1, trainees=1, seats=SEATS)
        outcomes, seconds = race(engine, [offer_id] * THREADS, who.boss)
        figures.add(outcomes, seconds)
        assert no_errors(outcomes) == [], f"{figures}: {no_errors(outcomes)}"
        assert len(set(outcomes)) == 1 and kind(outcomes[0]) == "placed", f"{figures}: {outcomes}"
    report(record_property, figures)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Placement)).one() == ROUNDS, str(figures)
        assert set(session.exec(select(Vacancy.filled_seats))) == {1}, str(figures)


# ---------------------------------------------------------------- processes


def _in_process(url: str, by: Actor, offer_ids: list[int], barrier: Any, results: Any) -> None:
    """Confirm one offer per round with an engine of this process's own, in step with the other processes."""
    engine = make_engine(url)
    released = [0.0]

    def ready() -> None:
        barrier.wait(timeout=120)
        released[0] = time.perf_counter()

    try:
        for offer_id in offer_ids:
            outcome = confirm(engine, offer_id, by, ready)
            results.put((offer_id, outcome, time.perf_counter() - released[0]))
    finally:
        engine.dispose()


def test_processes_with_their_own_engines_respect_seats_and_trainees(engine: Engine, record_property: Any) -> None:
    """Rounds 1-20: PROCESSES trainees race for SEATS seats; rounds 21-40: one trainee accepted by PROCESSES vacancies."""
    who = cast(engine)
    seat_rounds = [accepted_offers(engine, who, vacancies=1, trainees=PROCESSES, seats=SEATS) for _ in range(ROUNDS)]
    trainee_rounds = [accepted_offers(engine, who, vacancies=PROCESSES, trainees=1, seats=SEATS) for _ in range(ROUNDS)]
    rounds = seat_rounds + trainee_rounds
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    url = engine.url.render_as_string(hide_password=False)
    workers = [context.Process(target=_in_process, args=(url, who.boss, [r[i] for r in rounds], barrier, results))
               for i in range(PROCESSES)]  # fmt: skip
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    try:
        answers = [results.get(timeout=300) for _ in range(PROCESSES * len(rounds))]
    finally:
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.terminate()
    wall = time.perf_counter() - start
    found, took = {i: outcome for i, outcome, _ in answers}, {i: seconds for i, _, seconds in answers}
    seats = Figures(f"{engine.dialect.name}, {PROCESSES} processes, {SEATS} seats, distinct trainees")
    placed_once = Figures(f"{engine.dialect.name}, {PROCESSES} processes, one trainee, {PROCESSES} vacancies")
    for figures, chosen in ((seats, seat_rounds), (placed_once, trainee_rounds)):
        for offer_ids in chosen:  # a round lasts from the barrier's release to its slowest process's answer
            figures.add([found[i] for i in offer_ids], max(took[i] for i in offer_ids))
    summary = f"{seats}; {placed_once}; {wall:.1f} s with the processes' start-up"
    record_property("concurrency", summary)
    assert no_errors(list(found.values())) == [], f"{summary}: {no_errors(list(found.values()))}"
    for offer_ids in seat_rounds:
        assert Counter(kind(found[i]) for i in offer_ids) == {"placed": SEATS, "full": PROCESSES - SEATS}, summary
    for offer_ids in trainee_rounds:
        assert Counter(kind(found[i]) for i in offer_ids) == {"placed": 1, "already_placed": PROCESSES - 1}, summary
