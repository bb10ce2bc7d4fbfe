"""The fairness audit on stored data: rankings, offers, placements and employment at 6 months, group by group.

Two tables, counts only (no trainee is named):

* **rankings** — the candidates' pool of employers.candidates (consenting trainees, not placed, still in the
  programme) against every open vacancy, through matching.fairness: each group's share of trainees, of
  eligible pairs and of appearances in the vacancies' top `TOP` (the same engine pass and order as the
  vacancy pages' candidates);
* **outcomes** — every trainee of the programme: each group's share of offers made (``offered_at`` set),
  of placements (every placement row, imported ones included), each against its share of trainees; and its
  employment at 6 months as INDICATORS.md defines it (profiles.indicators over the stored history, the
  group's trainees alone), with the number of placed trainees it is measured on.

Each measure's ratio is to the best-served group among groups of at least `MIN_GROUP` people (trainees;
for employment at 6 months, the placed trainees it is measured on), and a group of that size whose ratio is
below four fifths is flagged. Smaller groups keep their numbers on the page, unflagged.

Cost: one engine pass over the pool and the open vacancies, and one evaluation of the history read as columns
(`history_store.stored_columns`, one SELECT per table, as the evaluation pages read it), each group's employment
then summed over its rows: the page is for audits, not for every request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select as sa_select
from sqlalchemy import true
from sqlmodel import Session, col, func

from employers import candidates, history_store
from employers.models import Offer, Placement
from matching import fairness as engine
from matching.fairness import Dimension
from matching.models import Trainee
from profiles import history_columns, indicators
from profiles.models import TraineeProfile

Ints = NDArray[np.int64]
Fields = dict[str, Any]

#: Appearances counted in each open vacancy's ranking.
TOP = 10
#: The months of the employment measure (INDICATORS.md's employed_at_6m).
EMPLOYMENT_MONTHS = 6


@dataclass(frozen=True)
class Measure:
    """One group's figure for one measure: its count, its share (or rate), its ratio to the best-served group, a flag."""

    count: int
    share: float | None
    ratio: float | None
    flagged: bool
    base: int | None = None  # for employment at 6 months: the placed trainees it is measured on


@dataclass(frozen=True)
class OutcomeRow:
    """One group's offers, placements and employment at 6 months."""

    group: str
    trainees: int
    trainee_share: float
    offers: Measure
    placements: Measure
    employed: Measure


@dataclass(frozen=True)
class FairnessReport:
    """The fairness audit of the database grouped by one dimension, as of a date."""

    by: Dimension
    as_of: date
    vacancies: int
    rankings: engine.Audit
    outcomes: tuple[OutcomeRow, ...]

    @property
    def flagged(self) -> int:
        """Return how many flags the two tables raise."""
        marks = [g.flagged for g in self.rankings.groups]
        marks += [m.flagged for row in self.outcomes for m in (row.offers, row.placements, row.employed)]
        return sum(marks)


def fairness_report(*, session: Session, by: Dimension, as_of: date) -> FairnessReport:
    """Return the fairness audit of the stored rankings and outcomes, grouped by one dimension."""
    pool, vacancies = candidates.load_pool(session), candidates.open_vacancies(session)
    if pool.trainees:
        rankings = engine.audit(pool.trainees, vacancies, by=by, top=TOP, as_of=as_of)
    else:
        rankings = engine.Audit(by, TOP, ())
    return FairnessReport(by, as_of, len(vacancies), rankings, outcomes(session=session, by=by, as_of=as_of))


@dataclass(frozen=True, slots=True)
class TrainingGroup:
    """A trainee's training as grouping reads it: its cohort."""

    cohort: str | None


@dataclass(frozen=True, slots=True)
class Grouping:
    """What groups a trainee: the attributes of a trainee record `matching.fairness.group_labels` reads, and no more."""

    id: str
    gender: str | None
    birth_date: date | None
    home_town: str
    literacy: str
    training: TrainingGroup


def grouping_records(session: Session) -> list[tuple[int, Grouping]]:
    """Return every stored trainee's id and what groups it (gender, birth, town, literacy, cohort), by code: one SELECT.

    Plain rows, not validated trainee records (building one per trainee cost more than the rest of the page).
    """
    fields = ("id", "code", "gender", "birth_date", "home_town", "literacy", "cohort")
    query = sa_select(*(col(getattr(TraineeProfile, name)) for name in fields)).order_by(col(TraineeProfile.code))
    return [(pk, Grouping(code, gender, born, town, literacy, TrainingGroup(cohort)))
            for pk, code, gender, born, town, literacy, cohort in session.execute(query)]  # fmt: skip


def group_labels(people: Sequence[Grouping], by: Dimension, *, as_of: date) -> list[str]:
    """Return each trainee's group, as the engine labels trainee records (it reads only the attributes a Grouping has)."""
    return engine.group_labels(cast("Sequence[Trainee]", people), by, as_of=as_of)


def _per_trainee(session: Session, column: Any, where: Any, ids: dict[int, int]) -> Ints:
    """Return, per trainee row, how many rows of a table (its trainee_id `column`, filtered by `where`) are theirs."""
    out = np.zeros(len(ids), dtype=np.int64)
    for trainee_id, count in session.execute(sa_select(column, func.count()).where(where).group_by(column)):
        if trainee_id in ids:
            out[ids[trainee_id]] = count
    return out


def outcomes(*, session: Session, by: Dimension, as_of: date) -> tuple[OutcomeRow, ...]:
    """Return each group's offers, placements and employment at 6 months over every stored trainee."""
    records = grouping_records(session)
    ids = {pk: i for i, (pk, _) in enumerate(records)}
    people = [r for _, r in records]
    names, group = engine.group_index(group_labels(people, by, as_of=as_of), by)
    k = len(names)
    sizes = np.bincount(group, minlength=k).astype(np.int64)
    offered = _per_trainee(session, col(Offer.trainee_id), col(Offer.offered_at).is_not(None), ids)
    placed = _per_trainee(session, col(Placement.trainee_id), true(), ids)
    offers = _relative(np.bincount(group, weights=offered, minlength=k), sizes)
    placements = _relative(np.bincount(group, weights=placed, minlength=k), sizes)
    employed = _employment(session, [[people[i].id for i in np.flatnonzero(group == j)] for j in range(k)], as_of)
    trainee_share = engine.shares(sizes.astype(np.float64))
    return tuple(
        OutcomeRow(name, int(sizes[j]), round(float(trainee_share[j]), engine.DECIMALS), offers[j], placements[j], employed[j])
        for j, name in enumerate(names)
    )


def _relative(counts: NDArray[Any], sizes: Ints) -> list[Measure]:
    """Return each group's share of a count and its rate per trainee relative to the best-served group."""
    share, ratio = engine.relative_rates(counts.astype(np.float64), sizes)
    marks = engine.flagged(ratio, sizes)
    return [
        Measure(int(counts[j]), engine.rounded(share[j]), engine.rounded(ratio[j]), bool(marks[j])) for j in range(len(sizes))
    ]


def stored_evaluation(session: Session, as_of: date) -> tuple[indicators.Evaluated, dict[str, int]]:
    """Return the stored history evaluated once, read as columns (as the evaluation pages read it), and each trainee's row.

    A history the whole-column screen finds a problem in is read record by record instead, as `stored_history` checks
    it (the records it refuses left out), so the figures are those of an evaluation of the checked records.
    """
    stored = history_store.stored_columns(session=session)
    columns = stored.columns
    if stored.issues:
        checked = history_store.stored_history(session=session)
        columns = history_columns.from_records(checked.trainees, checked.placements, checked.followups)
    done = indicators.evaluated_columns(replace(columns, cohorts=None), as_of=as_of)
    return done, {code: row for row, code in enumerate(columns.trainees.ids)}


def _employment(session: Session, members: Sequence[Sequence[str]], as_of: date) -> list[Measure]:
    """Return each group's employment at 6 months (INDICATORS.md), over its placed trainees it can be observed for."""
    done, row_of = stored_evaluation(session, as_of)
    rates, bases, employed = [], [], []
    for codes in members:
        rows = np.fromiter((row_of[c] for c in codes if c in row_of), np.int64)
        rate, base = indicators.employed_at(done, rows, EMPLOYMENT_MONTHS)
        rates.append(np.nan if rate is None else rate)
        bases.append(base)
        employed.append(0 if rate is None else round(rate * base))  # exact while a base is under 10,000
    sizes = np.array(bases, dtype=np.int64)
    ratio = engine.ratio_to_best(np.array(rates, dtype=np.float64), sizes)
    marks = engine.flagged(ratio, sizes)
    return [
        Measure(employed[j], engine.rounded(rates[j]), engine.rounded(ratio[j]), bool(marks[j]), bases[j])
        for j in range(len(members))
    ]
