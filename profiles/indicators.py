"""The programme's indicators, version 1 (shared/evaluation/INDICATORS.md), computed from its history as of a date.

Pure: records in, a JSON-ready dictionary out. Records become numpy arrays in one pass each (dates as days since
1970-01-01); every figure is then a whole-array operation — per-trainee facts by `bincount` over the trainee of
each placement or follow-up, per-scope figures over each scope's trainees — so the cost is linear (plus sorts)
in the number of records: 50,000 trainees, 60,000 placements and 200,000 follow-ups take a fraction of a second
beyond reading the records' attributes. The records are expected to have passed `profiles.history.check_history`;
nothing here rejects (a placement of an unknown trainee or a follow-up of an unknown placement is left out).

Where the contract's text allows more than one reading, the most literal one is taken:
- `employed_at_Mm`: a follow-up for month M of *any* of the trainee's placements (M counted from that
  placement's own start, so it may describe another day than D) makes the trainee employed at D, whether it was
  done before or after D, as long as it was done on or before as_of.
- A placement whose end_date is D does not employ at D ("end_date > D").
- The first placement's tie-break on end_date uses the end as of the date (an end after as_of is null).
- `followups_due` counts every placement of the scope's trainees started on or before as_of: a second placement,
  and one that ended before its due date, included.
- `cost_per_job_at_12m_eur` overall divides every cohort's budget by the overall numerator of `employed_at_12m`,
  which counts trainees without a cohort too.
- `median_days_to_placement` needs the trainee's cohort record: a trainee without one (every trainee, when no
  cohorts file is given) is left out of it.
- The minimum wage is known for the countries with a pack only (`MINIMUM_WAGE_FCFA_MONTH`: Mali, Senegal): in a
  scope holding a placement of a trainee whose cohort returns to another country, `placements_below_minimum_wage`
  is null (undefined).
- Kaplan–Meier: at an event duration t, first placements censored at exactly t are still at risk (n_t counts
  durations ≥ t); an event at exactly 365 days lowers the estimate ("lasts more than 365 days").
- A departure after as_of is ignored with its reason; `training.completed` has no date and is used as given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.country import available_countries, get_pack
from matching.models import Trainee
from profiles.history import DEFAULT_COUNTRY, FOLLOW_UP_MONTHS, Cohort, FollowUp, Placement
from profiles.history_columns import (
    EPOCH,
    NEVER,
    FollowUpColumns,
    HistoryColumns,
    PlacementColumns,
    TraineeColumns,
    day_of,
    from_records,
)

VERSION = 1
#: Months after the first placement's start at which employment is measured.
EMPLOYMENT_MONTHS: tuple[int, ...] = (3, 6, 12)
#: Follow-up answers that mean the person works.
EMPLOYED = frozenset({"same_employer", "other_security_job", "other_job"})
#: Months whose follow-ups give a reintegration score.
SCORE_MONTHS: tuple[int, ...] = (6, 12)
#: A first placement "lasts" when it lasts more than this many days.
RETENTION_DAYS = 365
#: Monthly minimum wage by country (ISO 3166 alpha-2), in FCFA: one per country pack (matching/data/packs/), the
#: employers' rule, not a copy.
MINIMUM_WAGE_FCFA_MONTH: Mapping[str, int] = {code: get_pack(code).minimum_wage_month for code in available_countries()}

INDICATORS: tuple[str, ...] = (
    "trainees", "completed_training", "dropped_out", "placed", "placement_rate", "median_days_to_placement",
    "employed_at_3m", "employed_at_6m", "employed_at_12m",
    "employed_at_3m_base", "employed_at_6m_base", "employed_at_12m_base",
    "retention_12m_km", "remigrated", "mean_start_salary_fcfa", "placements_below_minimum_wage",
    "followups_due", "followups_done", "followups_reached",
    "reintegration_score_6m", "reintegration_score_12m", "cost_per_job_at_12m_eur",
)  # fmt: skip

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Floats = NDArray[np.float64]

_EPOCH = EPOCH
_ABROAD = frozenset({"abroad"})
#: An end date that never comes: a placement still running (as of the date) ends here.
_NEVER = NEVER


# ---------------------------------------------------------------- dates


def _days(day: date) -> int:
    return day_of(day)


def add_months_days(days: Ints, months: int | Ints) -> Ints:
    """Add months to dates written as days since 1970-01-01; a day the month lacks becomes its last day."""
    as_dates = days.astype("datetime64[D]")
    month = as_dates.astype("datetime64[M]")
    day_of_month = (as_dates - month.astype("datetime64[D]")).astype(np.int64)  # 0 for the 1st
    target = month + np.asarray(months).astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64) + np.minimum(day_of_month, length - 1)


def add_months(day: date, months: int) -> date:
    """Return `day` plus `months` months, on the month's last day when that day does not exist (01-31 + 1 = 02-28)."""
    return _EPOCH + timedelta(days=int(add_months_days(np.array([_days(day)], dtype=np.int64), months)[0]))


# ---------------------------------------------------------------- columns as of the date


@dataclass
class _Placements:
    """Placements started on or before as_of, of known trainees: one row each."""

    trainee: Ints
    start: Ints
    end: Ints  # as of the date: _NEVER when null or after as_of
    ended_remigrated: Bools
    salary: Ints
    ids: NDArray[np.str_]
    row_of: dict[str, int]
    source: Ints  # the row of the placement in the history's columns


@dataclass
class _FollowUps:
    """Follow-ups done on or before as_of of those placements, one per (placement, month): one row each."""

    placement: Ints
    trainee: Ints
    month: Ints
    reached: Bools
    employed: Bools
    abroad: Bools
    score: Floats  # (economic + social + psychosocial) / 3; NaN when a dimension is missing
    dimensions: Floats  # economic, social, psychosocial: one row of three each


def _placements(columns: PlacementColumns, trainee_of: Mapping[str, int], today: int) -> _Placements:
    n = len(columns.ids)
    trainee = np.fromiter(map(trainee_of.get, columns.trainee, repeat(-1)), np.int64, n)
    live = np.flatnonzero((trainee >= 0) & (columns.start <= today))
    end = columns.end[live]
    end[end > today] = _NEVER
    ids = np.array(columns.ids, dtype=np.str_)[live] if n else np.array([], dtype=np.str_)
    return _Placements(
        trainee=trainee[live],
        start=columns.start[live],
        end=end,
        ended_remigrated=(columns.end_reason[live] == "remigrated") & (end != _NEVER),
        salary=columns.salary[live],
        ids=ids,
        row_of={placement_id: row for row, placement_id in enumerate(ids.tolist())},
        source=live,
    )


def _follow_ups(columns: FollowUpColumns, placements: _Placements, today: int) -> _FollowUps:
    placement = np.fromiter(map(placements.row_of.get, columns.placement, repeat(-1)), np.int64, len(columns.placement))
    month = columns.month
    kept = np.flatnonzero((placement >= 0) & (columns.done_on <= today))
    _, first = np.unique(placement[kept] * 16 + month[kept], return_index=True)  # one record per (placement, month)
    rows = kept[first]
    employment = columns.employment[rows].tolist()
    dimensions = np.stack([columns.economic[rows], columns.social[rows], columns.psychosocial[rows]], axis=1)
    return _FollowUps(
        placement=placement[rows],
        trainee=placements.trainee[placement[rows]],
        month=month[rows],
        reached=columns.reached[rows],
        employed=np.fromiter(map(EMPLOYED.__contains__, employment), bool, len(employment)),
        abroad=np.fromiter(map(_ABROAD.__contains__, employment), bool, len(employment)),
        score=(dimensions[:, 0] + dimensions[:, 1] + dimensions[:, 2]) / 3,  # NaN (from a null) when a dimension is missing
        dimensions=dimensions,
    )


# ---------------------------------------------------------------- per-trainee facts


@dataclass
class _Facts:
    """What each trainee (one row each) adds to its scopes' figures."""

    cohort: Ints  # -1: none in the cohorts file
    completed: Bools
    dropped: Bools
    first: Ints  # row of the first placement; -1: not placed
    days_to_placement: Ints
    has_days: Bools
    observable: dict[int, Bools]
    employed: dict[int, Bools]
    duration: Ints
    event: Bools
    remigrated: Bools
    below_minimum: Ints
    wage_unknown: Bools
    due: Ints
    done: Ints
    reached: Ints


def _count(trainee: Ints, n: int, where: Bools | None = None) -> Ints:
    """Return, for each trainee, how many rows belong to it (among `where`)."""
    return np.bincount(trainee if where is None else trainee[where], minlength=n).astype(np.int64)


def _at(values: Ints, rows: Ints) -> Ints:
    """Return values[rows], reading 0 at row -1 (a trainee without a first placement)."""
    return np.append(values, np.int64(0))[rows]


def _first_rows(p: _Placements, n: int) -> Ints:
    """Return each trainee's first placement: earliest start, then earliest end (null last), then smallest id."""
    first = np.full(n, -1, dtype=np.int64)
    order = np.lexsort((p.ids, p.end, p.start, p.trainee))
    leads = order[np.r_[True, p.trainee[order][1:] != p.trainee[order][:-1]]] if len(order) else order
    first[p.trainee[leads]] = leads
    return first


def _employment(facts: _Facts, p: _Placements, f: _FollowUps, as_of: int) -> None:
    placed = facts.first >= 0
    first_start = _at(p.start, facts.first)
    for months in EMPLOYMENT_MONTHS:
        day = add_months_days(first_start, months)  # D, per trainee
        observable = placed & (day <= as_of)
        at = day[p.trainee]
        covering = (p.start <= at) & (at < p.end) & observable[p.trainee]
        said = (f.month == months) & f.reached & f.employed
        employed = observable & ((_count(p.trainee, len(placed), covering) > 0) | (_count(f.trainee, len(placed), said) > 0))
        facts.observable[months], facts.employed[months] = observable, employed


def _facts(trainees: TraineeColumns, cohorts: Sequence[Cohort], p: _Placements, f: _FollowUps, as_of: date) -> _Facts:
    n, today = len(trainees.ids), _days(as_of)
    index = {c.id: j for j, c in enumerate(cohorts)}
    cohort = np.fromiter((index.get(c or "", -1) for c in trainees.cohort), np.int64, n)
    dropped = trainees.dropped_on <= today
    left_abroad = dropped & (trainees.dropout_reason == "remigrated")
    first = _first_rows(p, n)
    placed = first >= 0
    training_end = np.array([_days(c.training_end) if c.training_end else -1 for c in cohorts] + [-1], dtype=np.int64)
    has_end = np.array([c.training_end is not None for c in cohorts] + [False], dtype=bool)
    first_start, first_end = _at(p.start, first), _at(p.end, first)  # unplaced trainees' values are masked below
    event = placed & (first_end != _NEVER)
    facts = _Facts(
        cohort=cohort,
        completed=trainees.completed,
        dropped=dropped,
        first=first,
        days_to_placement=np.where(placed, first_start - training_end[cohort], 0),
        has_days=placed & has_end[cohort],
        observable={},
        employed={},
        duration=np.where(event, first_end - first_start, today - first_start),
        event=event,
        remigrated=(_count(p.trainee, n, p.ended_remigrated) > 0) | (_count(f.trainee, n, f.abroad) > 0) | left_abroad,
        **_wages(cohorts, cohort, p, n),
        **_follow_up_counts(p, f, n, today),
    )
    _employment(facts, p, f, today)
    return facts


def _wages(cohorts: Sequence[Cohort], cohort: Ints, p: _Placements, n: int) -> dict[str, Any]:
    known = [MINIMUM_WAGE_FCFA_MONTH.get(c.country, -1) for c in cohorts]
    wage = np.array([*known, MINIMUM_WAGE_FCFA_MONTH[DEFAULT_COUNTRY]], dtype=np.int64)[cohort][p.trainee]  # -1 → last
    return {
        "below_minimum": _count(p.trainee, n, (wage >= 0) & (p.salary < wage)),
        "wage_unknown": _count(p.trainee, n, wage < 0) > 0,
    }


def _follow_up_counts(p: _Placements, f: _FollowUps, n: int, today: int) -> dict[str, Any]:
    due = sum((add_months_days(p.start, months) <= today).astype(np.int64) for months in FOLLOW_UP_MONTHS)
    pair_due = add_months_days(p.start[f.placement], f.month) <= today
    return {
        "due": np.bincount(p.trainee, weights=due, minlength=n).astype(np.int64),
        "done": _count(f.trainee, n, pair_due),
        "reached": _count(f.trainee, n, pair_due & f.reached),
    }


# ---------------------------------------------------------------- scopes


def evaluate(
    *,
    trainees: Sequence[Trainee],
    placements: Iterable[Placement],
    followups: Iterable[FollowUp] = (),
    cohorts: Sequence[Cohort] | None = None,
    as_of: date,
) -> dict[str, Any]:
    """Return every indicator, overall and per cohort of the cohorts file, as of a date (the `rdvm evaluate` document)."""
    return evaluated(trainees=trainees, placements=placements, followups=followups, cohorts=cohorts, as_of=as_of).document


@dataclass
class Evaluated:
    """The `rdvm evaluate` document with the per-row arrays it was computed from (for breakdowns of the same figures)."""

    document: dict[str, Any]
    facts: _Facts
    placements: _Placements
    followups: _FollowUps


def evaluated(
    *,
    trainees: Sequence[Trainee],
    placements: Iterable[Placement],
    followups: Iterable[FollowUp] = (),
    cohorts: Sequence[Cohort] | None = None,
    as_of: date,
) -> Evaluated:
    """Return the indicators' document together with the per-trainee facts and the placement and follow-up arrays."""
    return evaluated_columns(from_records(trainees, placements, followups, cohorts), as_of=as_of)


def evaluate_columns(history: HistoryColumns, *, as_of: date) -> dict[str, Any]:
    """Return every indicator of a history read as columns (the `rdvm evaluate` document)."""
    return evaluated_columns(history, as_of=as_of).document


def evaluated_columns(history: HistoryColumns, *, as_of: date) -> Evaluated:
    """Return the indicators' document of a history read as columns, with the arrays it was computed from."""
    trainees, cohorts = history.trainees, history.cohorts
    p = _placements(history.placements, {t: i for i, t in enumerate(trainees.ids)}, _days(as_of))
    f = _follow_ups(history.followups, p, _days(as_of))
    facts = _facts(trainees, cohorts or (), p, f, as_of)
    members = _members(facts.cohort, len(cohorts or ()))
    document = {
        "as_of": as_of.isoformat(),
        "version": VERSION,
        "overall": _scope(
            facts, p, f, np.arange(len(trainees.ids)), [c.budget_eur for c in cohorts] if cohorts is not None else None
        ),
        "cohorts": {c.id: _scope(facts, p, f, members[j], [c.budget_eur]) for j, c in enumerate(cohorts or ())},
    }
    return Evaluated(document, facts, p, f)


def employed_at(done: Evaluated, rows: Ints, months: int) -> tuple[float | None, int]:
    """Return the employment rate at `months` months of some trainees (rows of an evaluated history) and its base: the
    same figure an evaluation of those trainees alone gives, since each trainee's facts are theirs alone."""
    facts = done.facts
    return _employed(facts, rows[facts.first[rows] >= 0], months)


def _employed(facts: _Facts, placed: Ints, months: int) -> tuple[float | None, int]:
    base = int(facts.observable[months][placed].sum())
    return _ratio(int(facts.employed[months][placed].sum()), base), base


def _members(cohort: Ints, k: int) -> list[Ints]:
    """Return the rows of each cohort's trainees (one sort, not one pass per cohort)."""
    order = np.argsort(cohort, kind="stable")
    bounds = np.searchsorted(cohort[order], np.arange(k + 1))
    return [order[bounds[j] : bounds[j + 1]] for j in range(k)]


def _scope(facts: _Facts, p: _Placements, f: _FollowUps, rows: Ints, budgets: Sequence[float | None] | None) -> dict[str, Any]:
    placed = rows[facts.first[rows] >= 0]
    in_scope = np.zeros(len(facts.first), dtype=bool)
    in_scope[rows] = True
    figures: dict[str, Any] = {
        "trainees": len(rows),
        "completed_training": int(facts.completed[rows].sum()),
        "dropped_out": int(facts.dropped[rows].sum()),
        "placed": len(placed),
        "placement_rate": _ratio(len(placed), len(rows)),
        "median_days_to_placement": _median(facts.days_to_placement[placed[facts.has_days[placed]]]),
    }
    for months in EMPLOYMENT_MONTHS:
        figures[f"employed_at_{months}m"], figures[f"employed_at_{months}m_base"] = _employed(facts, placed, months)
    followed = in_scope[f.trainee] & f.reached & ~np.isnan(f.score)
    figures |= {
        "retention_12m_km": kaplan_meier(facts.duration[placed], facts.event[placed], horizon=RETENTION_DAYS),
        "remigrated": int(facts.remigrated[rows].sum()),
        "mean_start_salary_fcfa": _mean(_at(p.salary, facts.first[placed]), 2),
        "placements_below_minimum_wage": None if facts.wage_unknown[rows].any() else int(facts.below_minimum[rows].sum()),
        "followups_due": int(facts.due[rows].sum()),
        "followups_done": int(facts.done[rows].sum()),
        "followups_reached": int(facts.reached[rows].sum()),
        **{f"reintegration_score_{m}m": _mean(f.score[followed & (f.month == m)], 4) for m in SCORE_MONTHS},
        "cost_per_job_at_12m_eur": _cost_per_job(budgets, int(facts.employed[12][placed].sum())),
    }
    return {name: figures[name] for name in INDICATORS}  # in the table's order, for readers


def kaplan_meier(durations: Ints, events: Bools, *, horizon: int) -> float | None:
    """Return the Kaplan–Meier estimate that a duration exceeds `horizon` days; None without durations."""
    if len(durations) == 0:
        return None
    ordered = np.sort(durations)
    times, deaths = np.unique(durations[events & (durations <= horizon)], return_counts=True)
    at_risk = len(ordered) - np.searchsorted(ordered, times, side="left")
    return round(float(np.prod(1 - deaths / at_risk)), 4)


def _cost_per_job(budgets: Sequence[float | None] | None, jobs: int) -> float | None:
    if not budgets or any(b is None for b in budgets) or jobs == 0:
        return None
    return round(sum(b for b in budgets if b is not None) / jobs, 2)


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _mean(values: NDArray[Any], digits: int) -> float | None:
    return round(float(values.sum()) / len(values), digits) if len(values) else None


def _median(values: Ints) -> float | None:
    return round(float(np.median(values)), 2) if len(values) else None
