"""The seat-aware plan (matching.assignment: ``optimal`` and ``stable``, as `rdvm plan`) run on the live data, and the
offers it proposes made through the offer service (employers.offers), one pair or all at once.

Who and what the plan fills: trainees still in the programme without an active placement and without an offer waiting
(offered or accepted: they have one to answer), and the open vacancies' free seats less the offers waiting on them. A
pair whose offer cannot be made again (declined, turned down by the company, confirmed) is left out. The scores use the
weights in use (employers.weights), as the officers' review does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError
from sqlmodel import Session, col, select

from core import audit
from employers import offers as workflow
from employers import weights
from employers.exceptions import EmployerError
from employers.gaps import open_seats
from employers.lifecycle import Actor
from employers.models import Offer, OfferState, Vacancy
from employers.review import not_placed
from matching.assignment import SOLVERS, Method, plan_problem, without_pairs
from matching.scoring import prepare
from profiles.exceptions import ProfileError
from profiles.models import TraineeProfile

#: The methods an officer chooses from (the greedy baseline is for benchmarks only).
METHODS: tuple[Method, ...] = ("optimal", "stable")
#: Offers that wait on someone: their trainee is not planned again and they hold a seat of their vacancy.
WAITING = (OfferState.offered, OfferState.accepted)
#: The states from which an officer may offer the pair again (employers.offers.TRANSITIONS).
OFFERABLE_AGAIN = workflow.TRANSITIONS[workflow.Action.offer].sources


@dataclass(frozen=True)
class Proposal:
    """One offer the plan proposes: a trainee for a vacancy, with the score."""

    vacancy: Vacancy
    employer_name: str
    trainee: TraineeProfile
    score: float

    @property
    def key(self) -> str:
        """Return the pair as a form sends it back ("vacancy id:trainee id")."""
        return f"{self.vacancy.id}:{self.trainee.id}"


@dataclass(frozen=True)
class LivePlan:
    """A plan on today's data: the proposed offers (by vacancy code, then best score), and what stays open."""

    method: str
    proposals: tuple[Proposal, ...]
    trainees: int  # trainees the plan could place
    seats: int  # open seats it could fill
    total_score: float

    @property
    def seats_left(self) -> int:
        """Return the open seats the plan leaves empty."""
        return self.seats - len(self.proposals)

    @property
    def unplaced(self) -> int:
        """Return the trainees the plan places nowhere."""
        return self.trainees - len(self.proposals)


def _waiting(session: Session) -> list[Offer]:
    return list(session.exec(select(Offer).where(col(Offer.state).in_(WAITING))))


def live_plan(*, session: Session, method: Method = "optimal") -> LivePlan:
    """Run the chosen plan on the trainees free to place and the open seats not held by a waiting offer."""
    waiting = _waiting(session)
    busy = {o.trainee_id for o in waiting}
    held = Counter(o.vacancy_id for o in waiting)
    people = []
    for profile in not_placed(session):
        if profile.id in busy:
            continue
        try:
            people.append((profile, profile.to_exchange()))
        except ValidationError:  # an unreadable profile is shown (and fixed) on its page
            continue
    seats = []
    for vacancy, name, record in open_seats(session):
        free = record.seats - held[vacancy.id or 0]
        if free > 0:
            seats.append((vacancy, name, record.model_copy(update={"seats": free})))
    total_seats = sum(r.seats for _, _, r in seats)
    if not people or not seats:
        return LivePlan(method, (), len(people), total_seats, 0.0)
    prepared = prepare([r for _, r in people], [r for _, _, r in seats], weights.current_config(session=session))
    problem = plan_problem(prepared)
    problem = without_pairs(problem, _barred(session, problem.vacancy_ids, problem.trainee_ids, seats, people))
    found = SOLVERS[method](problem)
    by_vacancy = {r.id: (v, name) for v, name, r in seats}
    by_trainee = {r.id: p for p, r in people}
    scale = problem.scale
    proposals = [
        Proposal(*by_vacancy[problem.vacancy_ids[v]], by_trainee[problem.trainee_ids[t]], int(problem.points[v, t]) / scale)
        for v, t in found.pairs
    ]
    proposals.sort(key=lambda p: (p.vacancy.code, -p.score, p.trainee.code))
    return LivePlan(method, tuple(proposals), len(people), total_seats, found.total_points / problem.scale)


def _barred(session: Session, vacancy_codes: list[str], trainee_codes: list[str], seats: Iterable[tuple[Vacancy, str, object]],
            people: Iterable[tuple[TraineeProfile, object]]) -> np.ndarray:  # fmt: skip
    """Return the [vacancy, trainee] pairs whose offer exists in a state from which it cannot be made again."""
    rows = {v.id: vacancy_codes.index(v.code) for v, _, _ in seats}
    columns = {p.id: trainee_codes.index(p.code) for p, _ in people}
    barred = np.zeros((len(vacancy_codes), len(trainee_codes)), dtype=bool)
    query = select(Offer.vacancy_id, Offer.trainee_id).where(
        col(Offer.vacancy_id).in_(list(rows)), col(Offer.trainee_id).in_(list(columns)),
        col(Offer.state).not_in([s for s in OFFERABLE_AGAIN if s is not None]),
    )  # fmt: skip
    for vacancy_id, trainee_id in session.exec(query):
        barred[rows[vacancy_id], columns[trainee_id]] = True
    return barred


@dataclass(frozen=True)
class Sent:
    """What sending a plan's offers did: the offers made, and the pairs refused with the refusal's code."""

    offered: tuple[Offer, ...]
    refused: tuple[tuple[str, str], ...]  # (pair key, message code)


def parse_pairs(keys: Iterable[str]) -> list[tuple[int, int]]:
    """Return the (vacancy id, trainee id) pairs of a form's "vacancy:trainee" values, the malformed ones dropped, once each."""
    found: list[tuple[int, int]] = []
    for key in keys:
        left, _, right = key.partition(":")
        if left.isdigit() and right.isdigit() and (int(left), int(right)) not in found:
            found.append((int(left), int(right)))
    return found


def send_offers(*, session: Session, pairs: Iterable[tuple[int, int]], by: Actor, method: str, answer_days: int,
                lang: str = "fr") -> Sent:  # fmt: skip
    """Make the plan's offers through the offer service, each pair in its own savepoint (a pair refused since the plan
    ran, e.g. its trainee now placed, is reported and leaves the others made); the batch is audited."""
    offered: list[Offer] = []
    refused: list[tuple[str, str]] = []
    for vacancy_id, trainee_id in pairs:
        try:
            with session.begin_nested():
                offered.append(workflow.propose_offer(session=session, vacancy_id=vacancy_id, trainee_id=trainee_id, by=by,
                                                      answer_days=answer_days, lang=lang))  # fmt: skip
        except (EmployerError, ProfileError) as refusal:
            refused.append((f"{vacancy_id}:{trainee_id}", refusal.code))
    audit.record(session, actor_id=by.recorded(), entity="plan", entity_id=None, action="offer",
                 details={"method": method, "offered": len(offered), "refused": len(refused)})  # fmt: skip
    return Sent(tuple(offered), tuple(refused))
