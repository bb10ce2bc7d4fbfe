"""The programme's history as columns: one array (or list) per field, one row per record, for the indicators.

The indicators (`profiles.indicators`) and the evaluation pages' breakdowns (`profiles.evaluation`) read these
columns, whether they were taken from history records (files: `from_records`) or straight from the database's
tables (`employers.history_store.stored_columns`, one SELECT per table and no record object per row): the same
computation runs on the same columns, so both give the same figures. Dates are days since 1970-01-01, a missing
one `NEVER`; a missing score is NaN. Pure: no database, no web.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.models import Trainee
from profiles.history import FOLLOW_UP_MONTHS, Cohort, FollowUp, Placement

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Floats = NDArray[np.float64]
Objects = NDArray[np.object_]

EPOCH = date(1970, 1, 1)
_EPOCH_ORDINAL = EPOCH.toordinal()
#: A date that never comes: a missing end date (a placement still running), a trainee who never left.
NEVER = np.int64(2**40)
#: The end reasons and employments a history record may give (what `columns_problems` checks against).
_END_REASONS = frozenset({"resigned", "dismissed", "contract_ended", "trial_failed", "remigrated", "other"})
_EMPLOYMENTS = frozenset({"same_employer", "other_security_job", "other_job", "unemployed", "abroad"})


@dataclass
class TraineeColumns:
    """Trainees: their id, cohort (training.cohort), completion and departure."""

    ids: list[str]
    cohort: list[str | None]
    completed: Bools  # training.completed is true
    dropped_on: Ints  # NEVER: not left
    dropout_reason: Objects


@dataclass
class PlacementColumns:
    """Placements: their id, trainee's id, dates, end reason, salary, and what the breakdowns group them by."""

    ids: list[str]
    trainee: list[str]
    start: Ints
    end: Ints  # NEVER: still employed
    end_reason: Objects
    salary: Ints
    employer: list[str]
    level: list[str]
    town: list[str | None]


@dataclass
class FollowUpColumns:
    """Follow-ups: their placement's id, month, date, whether reached, employment and reintegration scores."""

    placement: list[str]
    month: Ints
    done_on: Ints
    reached: Bools
    employment: Objects
    economic: Floats  # NaN: not given
    social: Floats
    psychosocial: Floats


@dataclass
class HistoryColumns:
    """A whole history as columns (cohorts stay records: there are few of them)."""

    trainees: TraineeColumns
    placements: PlacementColumns
    followups: FollowUpColumns
    cohorts: list[Cohort] | None


# ---------------------------------------------------------------- building columns


def day_of(day: date) -> int:
    """Return a date as days since 1970-01-01."""
    return day.toordinal() - _EPOCH_ORDINAL


def day_column(days: Iterable[date | None], n: int) -> Ints:
    """Return dates as days since 1970-01-01; NEVER where a date is missing."""
    ordinals = (NEVER + _EPOCH_ORDINAL if d is None else d.toordinal() for d in days)
    return np.fromiter(ordinals, np.int64, n) - _EPOCH_ORDINAL


def object_column(values: Iterable[Any], n: int) -> Objects:
    """Return values as an array of Python objects (text and None)."""
    return np.fromiter(values, object, n)


def score_column(values: Iterable[float | None], n: int) -> Floats:
    """Return scores as floats; NaN where a score is missing."""
    return np.fromiter((np.nan if v is None else v for v in values), np.float64, n)


def from_records(
    trainees: Sequence[Trainee],
    placements: Iterable[Placement],
    followups: Iterable[FollowUp] = (),
    cohorts: Sequence[Cohort] | None = None,
) -> HistoryColumns:
    """Return history records (as read from files, or from the database) as columns."""
    return HistoryColumns(_trainees(trainees), _placements(list(placements)), _follow_ups(list(followups)),
                          list(cohorts) if cohorts is not None else None)  # fmt: skip


def _trainees(records: Sequence[Trainee]) -> TraineeColumns:
    n = len(records)
    return TraineeColumns(
        ids=[t.id for t in records],
        cohort=[t.training.cohort if t.training else None for t in records],
        completed=np.fromiter((bool(t.training and t.training.completed) for t in records), bool, n),
        dropped_on=day_column((t.dropped_out_on for t in records), n),
        dropout_reason=object_column((t.dropout_reason for t in records), n),
    )


def _placements(records: Sequence[Placement]) -> PlacementColumns:
    n = len(records)
    return PlacementColumns(
        ids=[p.id for p in records],
        trainee=[p.trainee_id for p in records],
        start=day_column(map(attrgetter("start_date"), records), n),
        end=day_column(map(attrgetter("end_date"), records), n),
        end_reason=object_column(map(attrgetter("end_reason"), records), n),
        salary=np.fromiter(map(attrgetter("salary_fcfa_month"), records), np.int64, n),
        employer=[p.employer for p in records],
        level=[str(p.level) for p in records],
        town=[p.town for p in records],
    )


def _follow_ups(records: Sequence[FollowUp]) -> FollowUpColumns:
    n = len(records)
    return FollowUpColumns(
        placement=[f.placement_id for f in records],
        month=np.fromiter(map(attrgetter("month"), records), np.int64, n),
        done_on=day_column(map(attrgetter("done_on"), records), n),
        reached=np.fromiter(map(attrgetter("reached"), records), bool, n),
        employment=object_column(map(attrgetter("employment"), records), n),
        economic=score_column(map(attrgetter("economic"), records), n),
        social=score_column(map(attrgetter("social"), records), n),
        psychosocial=score_column(map(attrgetter("psychosocial"), records), n),
    )


# ---------------------------------------------------------------- scopes


def keep_trainees(history: HistoryColumns, kept: Bools, cohorts: list[Cohort] | None) -> HistoryColumns:
    """Return the history of the kept trainees only: their placements, those placements' follow-ups, the given cohorts."""
    t = history.trainees
    rows = np.flatnonzero(kept)
    ids = set(np.array(t.ids, dtype=object)[rows].tolist())
    p = history.placements
    p_rows = np.flatnonzero(np.fromiter(map(ids.__contains__, p.trainee), bool, len(p.trainee)))
    placement_ids = set(np.array(p.ids, dtype=object)[p_rows].tolist())
    f = history.followups
    f_rows = np.flatnonzero(np.fromiter(map(placement_ids.__contains__, f.placement), bool, len(f.placement)))
    return HistoryColumns(
        TraineeColumns(*(_take(getattr(t, name), rows) for name in TraineeColumns.__dataclass_fields__)),
        PlacementColumns(*(_take(getattr(p, name), p_rows) for name in PlacementColumns.__dataclass_fields__)),
        FollowUpColumns(*(_take(getattr(f, name), f_rows) for name in FollowUpColumns.__dataclass_fields__)),
        cohorts,
    )


def _take(column: Any, rows: Ints) -> Any:
    """Return the rows of a column, as the same kind of column (array or list)."""
    if isinstance(column, np.ndarray):
        return column[rows]
    return [column[i] for i in rows.tolist()]


# ---------------------------------------------------------------- checks


def has_problems(history: HistoryColumns) -> bool:
    """Return whether a row breaks a rule INDICATORS.md sets on records or across them.

    A whole-array screen of what `profiles.history.check_history` reports (a required value missing or out of its
    set, an end without its reason or before its start, a follow-up of an unknown placement, done before its start
    or a second for its month, a placement of an unknown trainee, overlapping placements, an unknown cohort): the
    caller reads the records through `check_history` to name the problems when there is any.
    """
    t, p = history.trainees, history.placements
    if _duplicates(t.ids) or _duplicates(p.ids):
        return True
    if history.cohorts is not None and set(t.cohort) - {c.id for c in history.cohorts} - {None}:
        return True
    if ((t.dropout_reason != None) & (t.dropped_on == NEVER)).any():  # noqa: E711  (elementwise)
        return True
    trainee_of = {trainee_id: row for row, trainee_id in enumerate(t.ids)}
    return _placement_problems(p, trainee_of) or _follow_up_problems(history.followups, p)


def _duplicates(values: Sequence[str]) -> bool:
    return len(values) != len(set(values))


def _outside(values: Objects, allowed: Iterable[str | None]) -> bool:
    """Return whether a value is none of the allowed ones."""
    return bool(set(values.tolist()) - set(allowed))


def _placement_problems(p: PlacementColumns, trainee_of: dict[str, int]) -> bool:
    trainee = np.fromiter(map(trainee_of.get, p.trainee, repeat(-1)), np.int64, len(p.trainee))
    ended, with_reason = p.end != NEVER, p.end_reason != None  # noqa: E711  (elementwise)
    if ((p.end < p.start) | (ended & ~with_reason) | (p.salary < 0) | (trainee < 0)).any():
        return True
    return _outside(p.end_reason, (None, *_END_REASONS)) or _overlaps(p, trainee)


def _overlaps(p: PlacementColumns, trainee: Ints) -> bool:
    """Return whether a placement starts before an earlier one of the same trainee ended (or after one that never ends)."""
    order = np.lexsort((p.end, p.start, trainee))
    shift = np.int64(2**42)  # above NEVER: each trainee's ends in its own range, in trainee order
    ends = np.maximum.accumulate(trainee[order] * shift + p.end[order])
    previous = np.r_[np.int64(-1), ends[:-1]] - trainee[order] * shift  # negative: the trainee's first placement
    return bool((p.start[order] < previous).any())


def _follow_up_problems(f: FollowUpColumns, p: PlacementColumns) -> bool:
    row_of = {placement_id: row for row, placement_id in enumerate(p.ids)}
    placement = np.fromiter(map(row_of.get, f.placement, repeat(-1)), np.int64, len(f.placement))
    starts = np.append(p.start, np.int64(-1))[placement]  # -1: an unknown placement
    given = f.employment != None  # noqa: E711  (elementwise)
    scores = np.stack([f.economic, f.social, f.psychosocial])
    bad = (placement < 0) | (f.done_on < starts) | ~np.isin(f.month, FOLLOW_UP_MONTHS) | (given != f.reached)
    if (bad | ((scores < 0) | (scores > 1)).any(axis=0)).any():
        return True
    pairs = np.sort(placement * 16 + f.month)
    return bool((pairs[1:] == pairs[:-1]).any()) or _outside(f.employment, (None, *_EMPLOYMENTS))
