"""Fairness audit of the rankings: how each group of trainees fares in eligibility and in vacancies' top lists.

Trainees are grouped by one attribute — gender, age band at a date, region of origin (the home town's region in
the gazetteer), literacy or cohort; a missing value is a group of its own ("unknown"). For each group: its
trainees and their share of all trainees, its share of all eligible (vacancy, trainee) pairs, and its share of
all appearances in the top `top` of every vacancy's ranking (exposure). The exposure ratio compares the
group's exposure per trainee with the best-exposed group's: (exposure_share / trainee_share) divided by the
largest such value among groups of at least `MIN_GROUP` trainees. A group of that size whose ratio is below
`FOUR_FIFTHS` is flagged (the four-fifths rule). Smaller groups are shown with their numbers, never hidden
and never flagged: too few people for a ratio to mean much.

Block by block over whole matrices, with the ranking's own scores and top-k: a pair's eligibility and place
are exactly those `rdvm rank` gives. Gender is not read by the scoring at all; it is only a grouping here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from matching.config import ScoringConfig
from matching.models import LITERACY_LEVELS, Trainee, Vacancy
from matching.ranking import top_k
from matching.scoring import Prepared, prepare, score_blocks
from matching.taxonomy import get_taxonomy

Dimension = Literal["gender", "age_band", "region", "literacy", "cohort"]
#: What trainees may be grouped by, in the order the command and the page offer them.
DIMENSIONS: tuple[Dimension, ...] = ("gender", "age_band", "region", "literacy", "cohort")
#: The group of trainees whose value is missing (no gender, no birth date, a town outside the gazetteer, no cohort).
UNKNOWN = "unknown"
#: Age bands, by the first age of each band after the first (ages in whole years at the as-of date).
AGE_LIMITS: tuple[int, ...] = (25, 35, 45)
AGE_BANDS: tuple[str, ...] = ("<25", "25-34", "35-44", "45+")
#: The four-fifths rule: a ratio below this is flagged …
FOUR_FIFTHS = 0.8
#: … when the group has at least this many people; the best-served group is chosen among such groups too.
MIN_GROUP = 10
#: Decimals of the shares and ratios printed.
DECIMALS = 4

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


# ---------------------------------------------------------------- groups


def age_bands(birth_dates: Sequence[date | None], as_of: date) -> list[str]:
    """Return each birth date's age band at `as_of` (full years), UNKNOWN for a missing date."""
    known = np.array([b is not None for b in birth_dates], dtype=bool)
    year = np.array([b.year if b else 0 for b in birth_dates], dtype=np.int64)
    month_day = np.array([b.month * 100 + b.day if b else 0 for b in birth_dates], dtype=np.int64)
    age = as_of.year - year - (month_day > as_of.month * 100 + as_of.day)
    band = np.searchsorted(np.array(AGE_LIMITS), age, side="right")
    return [AGE_BANDS[b] if k else UNKNOWN for b, k in zip(band.tolist(), known.tolist(), strict=True)]


def _regions(trainees: Sequence[Trainee]) -> list[str]:
    region_of = {t.name: t.region for t in get_taxonomy().towns}
    return [region_of.get(t.home_town, UNKNOWN) for t in trainees]


def group_labels(trainees: Sequence[Trainee], by: Dimension, *, as_of: date) -> list[str]:
    """Return each trainee's group for one dimension, in the trainees' order."""
    if by == "age_band":
        return age_bands([t.birth_date for t in trainees], as_of)
    if by == "region":
        return _regions(trainees)
    if by == "gender":
        return [t.gender or UNKNOWN for t in trainees]
    if by == "literacy":
        return [t.literacy or UNKNOWN for t in trainees]
    return [(t.training.cohort if t.training else None) or UNKNOWN for t in trainees]


def _known_order(by: Dimension) -> tuple[str, ...]:
    """Return the natural order of a dimension's groups (others follow alphabetically, UNKNOWN last)."""
    return {
        "gender": ("F", "M"),
        "age_band": AGE_BANDS,
        "region": tuple(r.name for r in get_taxonomy().regions),
        "literacy": LITERACY_LEVELS,
        "cohort": (),
    }[by]


def group_index(labels: Sequence[str], by: Dimension) -> tuple[list[str], Ints]:
    """Return the groups present, in their natural order, and each trainee's group number."""
    known = _known_order(by)
    rank = {name: i for i, name in enumerate(known)}
    present = sorted(set(labels), key=lambda g: (g == UNKNOWN, rank.get(g, len(known)), g))
    position = {g: i for i, g in enumerate(present)}
    return present, np.array([position[g] for g in labels], dtype=np.int64)


# ---------------------------------------------------------------- shares and ratios


def shares(counts: Floats) -> Floats:
    """Return each group's share of the total; NaN when the total is 0 (no share is defined)."""
    total = counts.sum()
    return counts / total if total > 0 else np.full(len(counts), np.nan)


def ratio_to_best(values: Floats, sizes: Ints) -> Floats:
    """Return each value over the largest value among groups of at least MIN_GROUP people; NaN when undefined."""
    large = (sizes >= MIN_GROUP) & ~np.isnan(values)
    best = values[large].max() if large.any() else np.nan
    if not best > 0:
        return np.full(len(values), np.nan)
    return values / best


def flagged(ratios: Floats, sizes: Ints) -> Bools:
    """Return the groups of at least MIN_GROUP people whose ratio falls below the four-fifths rule."""
    return (sizes >= MIN_GROUP) & (np.nan_to_num(ratios, nan=np.inf) < FOUR_FIFTHS)


def relative_rates(counts: Floats, sizes: Ints) -> tuple[Floats, Floats]:
    """Return each group's share of a count and its rate per trainee relative to the best-served group."""
    share, trainee_share = shares(counts), shares(sizes.astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        return share, ratio_to_best(share / trainee_share, sizes)


def rounded(value: float) -> float | None:
    """Return a share or ratio as printed: DECIMALS places, None when undefined."""
    return None if np.isnan(value) else round(float(value), DECIMALS)


# ---------------------------------------------------------------- the audit


@dataclass(frozen=True)
class GroupRow:
    """One group's line of the audit."""

    group: str
    trainees: int
    trainee_share: float
    eligible_share: float | None
    exposure_share: float | None
    exposure_ratio: float | None
    flagged: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the line in `rdvm fairness --json`'s form."""
        return {
            "group": self.group,
            "trainees": self.trainees,
            "trainee_share": self.trainee_share,
            "eligible_share": self.eligible_share,
            "exposure_share": self.exposure_share,
            "exposure_ratio": self.exposure_ratio,
            "flagged": self.flagged,
        }


@dataclass(frozen=True)
class Audit:
    """The audit of one grouping: its dimension, the length of the top lists and one line per group."""

    by: Dimension
    top: int
    groups: tuple[GroupRow, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the audit in `rdvm fairness --json`'s form."""
        return {"by": self.by, "top": self.top, "groups": [g.to_dict() for g in self.groups]}


def exposure(p: Prepared, top: int) -> tuple[Ints, Ints]:
    """Return, per trainee (the prepared run's columns), its eligible pairs and its appearances in the top lists."""
    n = len(p.trainees)
    eligible, appearances = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    for block in score_blocks(p):
        eligible += block.eligible.sum(axis=0)
        chosen = top_k(block.score, top, p.config.decimals, block.tie_at)
        appearances += np.bincount(np.concatenate([np.empty(0, dtype=np.intp), *chosen]), minlength=n)
    return eligible, appearances


def tabulate(by: Dimension, top: int, labels: Sequence[str], eligible: Ints, appearances: Ints) -> Audit:
    """Return the audit from each trainee's group, eligible pairs and top-list appearances."""
    names, group = group_index(labels, by)
    k = len(names)
    sizes = np.bincount(group, minlength=k).astype(np.int64)
    eligible_share = shares(np.bincount(group, weights=eligible, minlength=k).astype(np.float64))
    exposed = np.bincount(group, weights=appearances, minlength=k).astype(np.float64)
    exposure_share, ratio = relative_rates(exposed, sizes)
    trainee_share = shares(sizes.astype(np.float64))
    marks = flagged(ratio, sizes)
    rows = (
        GroupRow(name, int(sizes[i]), round(float(trainee_share[i]), DECIMALS), rounded(eligible_share[i]),
                 rounded(exposure_share[i]), rounded(ratio[i]), bool(marks[i]))
        for i, name in enumerate(names)
    )  # fmt: skip
    return Audit(by, top, tuple(rows))


def audit_prepared(p: Prepared, *, by: Dimension, top: int, as_of: date) -> Audit:
    """Return the audit of a prepared run grouped by one dimension."""
    eligible, appearances = exposure(p, top)
    return tabulate(by, top, group_labels(p.trainees.records, by, as_of=as_of), eligible, appearances)


def audit(
    trainees: Sequence[Trainee],
    vacancies: Sequence[Vacancy],
    *,
    by: Dimension,
    top: int = 10,
    as_of: date,
    config: ScoringConfig | None = None,
) -> Audit:
    """Return the fairness audit of ranking these trainees for these vacancies (records validated and normalised)."""
    if not trainees:
        return Audit(by, top, ())
    return audit_prepared(prepare(trainees, vacancies, config), by=by, top=top, as_of=as_of)
