"""The evaluation behind the evaluation pages: the indicators of a scope, broken down and traced to people.

Pure: history records in, plain data out (no database, no web). The figures are `profiles.indicators`' (the
INDICATORS.md contract); this module adds what the pages draw — the funnel per cohort, the Kaplan–Meier curve
of first placements with its number at risk, employment at 3/6/12 months by cohort, level, region of the job
and employer, time to placement, start salaries against the minimum wage, reintegration scores by dimension,
cost per lasting job — and, for every figure, the trainees behind it (rows of `Evaluation.trainees`).
A scope is chosen by cohort and by country (of the cohort); trainees without a cohort are in scope only when
neither is chosen. Groupings use each trainee's first placement (its level, employer and the region of its town).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.country import active_country
from matching.models import Trainee
from matching.taxonomy import get_taxonomy
from profiles import indicators
from profiles.history import Cohort, History
from profiles.history_columns import Bools, HistoryColumns, Ints, from_records, keep_trainees
from profiles.indicators import EMPLOYMENT_MONTHS, MINIMUM_WAGE_FCFA_MONTH, RETENTION_DAYS, SCORE_MONTHS

#: The days under the Kaplan–Meier curve at which the number still at risk is shown.
AT_RISK_DAYS: tuple[int, ...] = (0, 30, 91, 182, 273, 365)
#: Bands of days from the end of training to the first placement (upper bounds, inclusive; None: no bound).
DAYS_TO_PLACEMENT_BANDS: tuple[tuple[int | None, int | None], ...] = (
    (None, -1),
    (0, 30),
    (31, 60),
    (61, 90),
    (91, 180),
    (181, None),
)
#: Start salaries against the minimum wage: bands of salary / minimum wage (lower bound inclusive).
WAGE_BANDS: tuple[tuple[float, float | None], ...] = ((0.0, 1.0), (1.0, 1.25), (1.25, 1.5), (1.5, None))
#: The reintegration dimensions of IOM's Reintegration Sustainability Survey.
DIMENSIONS: tuple[str, ...] = ("economic", "social", "psychosocial")
#: Age bands shown to auditors instead of a birth date.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = ((0, 24, "<25"), (25, 34, "25–34"), (35, 44, "35–44"), (45, None, "45+"))
UNKNOWN = "—"


@dataclass(frozen=True)
class Scope:
    """Which trainees are evaluated, and as of when."""

    as_of: date
    cohort: str | None = None
    country: str | None = None


@dataclass
class Group:
    """Employment at 3/6/12 months of the placed trainees of one group (a cohort, level, region or employer)."""

    key: str
    placed: int
    employed: dict[int, int]
    base: dict[int, int]

    def rate(self, months: int) -> float | None:
        """Return the share employed at `months` among the observable ones (None when none is observable)."""
        return round(self.employed[months] / self.base[months], 4) if self.base[months] else None


@dataclass
class KaplanMeier:
    """The Kaplan–Meier curve of first placements: S(t) after each event day, and the number at risk at set days."""

    steps: list[tuple[int, float]]  # (day, survival just after it), from (0, 1.0)
    at_risk: list[tuple[int, int]]  # (day, first placements lasting at least that long so far)
    events: int
    censored: int

    def survival_at(self, day: int) -> float:
        """Return S(day): the estimated share of first placements lasting more than `day` days."""
        return next((s for t, s in reversed(self.steps) if t <= day), 1.0)


@dataclass
class Band:
    """A band of a distribution, with the trainees in it."""

    label: str
    count: int
    rows: list[int] = field(default_factory=list)


@dataclass
class Evaluation:
    """Everything the evaluation pages show for one scope."""

    scope: Scope
    codes: list[str]  # the scope's trainees' codes, one per row
    cohorts: list[Cohort]
    figures: dict[str, Any]  # the `rdvm evaluate` document of the scope's history
    funnel: list[dict[str, Any]]  # one row per cohort in scope, then "overall"
    km: KaplanMeier
    groups: dict[str, list[Group]]  # "cohort", "level", "region", "employer"
    days_to_placement: list[Band]
    wages: list[Band]
    minimum_wage: int
    reintegration: dict[int, dict[str, float | None]]  # month → dimension (and "overall") → mean score
    reintegration_count: dict[int, int]
    costs: list[dict[str, Any]]  # per cohort: budget, jobs at 12 months, cost per job
    people: dict[str, list[int]]  # figure (or "figure@kind:group") → rows of `codes`


# ---------------------------------------------------------------- scope


def in_scope(history: HistoryColumns, scope: Scope) -> tuple[Bools | None, list[Cohort] | None]:
    """Return which trainees the scope's filters keep (None: all of them) and the cohorts they keep."""
    cohorts = history.cohorts
    if scope.cohort is None and scope.country is None:
        return None, cohorts
    kept = [
        c
        for c in cohorts or ()
        if (scope.cohort is None or c.id == scope.cohort) and (scope.country is None or c.country == scope.country)
    ]
    ids = {c.id for c in kept}
    return np.fromiter(map(ids.__contains__, history.trainees.cohort), bool, len(history.trainees.ids)), kept


def evaluate_scope(history: History | HistoryColumns, scope: Scope) -> Evaluation:
    """Return the evaluation of the scope's trainees, as of its date (from records or from columns: the same)."""
    if isinstance(history, History):
        history = from_records(history.trainees, history.placements, history.followups, history.cohorts)
    kept, cohorts = in_scope(history, scope)
    scoped = history if kept is None else keep_trainees(history, kept, cohorts)
    done = indicators.evaluated_columns(scoped, as_of=scope.as_of)
    figures, facts, p = done.document, done.facts, done.placements
    placed = facts.first >= 0
    people = _people(facts, placed)
    keys = _group_keys(scoped, facts.first, p.source)
    groups = {kind: _groups(kind, keys[kind], facts, people) for kind in ("cohort", "level", "region", "employer")}
    reintegration, counted = reintegration_by_dimension(done.followups)
    return Evaluation(
        scope=scope,
        codes=list(scoped.trainees.ids),
        cohorts=list(cohorts or ()),
        figures=figures,
        funnel=_funnel(figures, cohorts or (), groups["cohort"], people),
        km=kaplan_meier_curve(facts.duration[placed], facts.event[placed]),
        groups=groups,
        days_to_placement=_day_bands(facts, people),
        wages=_wage_bands(indicators._at(p.salary, facts.first), placed, people),
        minimum_wage=MINIMUM_WAGE_FCFA_MONTH[active_country()],
        reintegration=reintegration,
        reintegration_count=counted,
        costs=_costs(figures, cohorts or (), groups["cohort"], people),
        people=people,
    )


# ---------------------------------------------------------------- people behind the figures


def _rows(mask: NDArray[np.bool_]) -> list[int]:
    rows: list[int] = np.flatnonzero(mask).tolist()
    return rows


def _people(facts: Any, placed: NDArray[np.bool_]) -> dict[str, list[int]]:
    people = {
        "trainees": list(range(len(placed))),
        "completed_training": _rows(facts.completed),
        "dropped_out": _rows(facts.dropped),
        "placed": _rows(placed),
        "remigrated": _rows(facts.remigrated),
        "placements_below_minimum_wage": _rows(facts.below_minimum > 0),
        "median_days_to_placement": _rows(facts.has_days),
        "retention_12m_km": _rows(placed),
    }
    for months in EMPLOYMENT_MONTHS:
        people[f"employed_at_{months}m"] = _rows(facts.employed[months] & placed)
        people[f"employed_at_{months}m_base"] = _rows(facts.observable[months] & placed)
    return people


def people_of(evaluation: Evaluation, figure: str) -> list[str]:
    """Return the codes of the trainees behind a figure (an indicator name, or `name@kind:group` for a group's figure)."""
    return [evaluation.codes[row] for row in evaluation.people.get(figure, [])]


# ---------------------------------------------------------------- breakdowns


def _jobs(key: str, groups: Sequence[Group], people: dict[str, list[int]]) -> dict[int, tuple[int, int]]:
    """Return (employed, observable) at 3/6/12 months of a cohort's group, or overall."""
    if key == "overall":
        return {m: (len(people[f"employed_at_{m}m"]), len(people[f"employed_at_{m}m_base"])) for m in EMPLOYMENT_MONTHS}
    group = next((g for g in groups if g.key == key), None)
    return {m: (group.employed[m], group.base[m]) if group else (0, 0) for m in EMPLOYMENT_MONTHS}


def _funnel(
    figures: dict[str, Any], cohorts: Sequence[Cohort], groups: Sequence[Group], people: dict[str, list[int]]
) -> list[dict[str, Any]]:
    scopes = [(c.id, figures["cohorts"][c.id]) for c in cohorts] + [("overall", figures["overall"])]
    rows = []
    for name, s in scopes:
        row = {"scope": name, **{k: s[k] for k in ("trainees", "completed_training", "placed", "dropped_out", "remigrated")}}
        for months, (employed, base) in _jobs(name, groups, people).items():
            row[f"employed_at_{months}m"], row[f"employed_at_{months}m_base"] = employed, base
        rows.append(row)
    return rows


def _group_keys(history: HistoryColumns, first: Ints, source: Ints) -> dict[str, list[str | None]]:
    """Return, per kind of group, each trainee's group (None: not placed): its cohort, or its first placement's level,
    region of the town and employer."""
    row_of_first = np.where(first >= 0, np.append(source, -1)[first], -1).tolist()
    p = history.placements
    regions = {town: region_of_town(town) for town in set(p.town)}
    return {
        "cohort": [(c or UNKNOWN) if r >= 0 else None for c, r in zip(history.trainees.cohort, row_of_first, strict=True)],
        "level": [p.level[r] if r >= 0 else None for r in row_of_first],
        "region": [regions[p.town[r]] if r >= 0 else None for r in row_of_first],
        "employer": [p.employer[r] if r >= 0 else None for r in row_of_first],
    }


def _groups(kind: str, keys: Sequence[str | None], facts: Any, people: dict[str, list[int]]) -> list[Group]:
    groups = []
    for key, rows in sorted(_members(keys).items(), key=lambda item: (item[0] == UNKNOWN, item[0].casefold())):
        group = Group(key=key, placed=len(rows), employed={}, base={})
        people[f"placed@{kind}:{key}"] = rows.tolist()
        for months in EMPLOYMENT_MONTHS:
            observable, employed = facts.observable[months][rows], facts.employed[months][rows]
            group.base[months], group.employed[months] = int(observable.sum()), int(employed.sum())
            people[f"employed_at_{months}m@{kind}:{key}"] = rows[employed].tolist()
            people[f"employed_at_{months}m_base@{kind}:{key}"] = rows[observable].tolist()
        groups.append(group)
    return groups


def _members(keys: Sequence[str | None]) -> dict[str, Ints]:
    """Return the rows of each group (None: in none), in row order: one sort, not one pass per group."""
    keyed = np.array(keys, dtype=object)
    rows = np.flatnonzero(keyed != None)  # noqa: E711  (elementwise)
    if not len(rows):
        return {}
    names, inverse = np.unique(keyed[rows], return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(names) + 1))
    return {str(name): rows[order[bounds[j] : bounds[j + 1]]] for j, name in enumerate(names.tolist())}


def kaplan_meier_curve(durations: NDArray[np.int64], events: NDArray[np.bool_], *, until: int = RETENTION_DAYS) -> KaplanMeier:
    """Return the Kaplan–Meier curve of durations (events and censorings) up to `until` days, with numbers at risk."""
    ordered = np.sort(durations)
    times, deaths = np.unique(durations[events & (durations <= until)], return_counts=True)
    at_risk = len(ordered) - np.searchsorted(ordered, times, side="left")
    survival = np.cumprod(1 - deaths / at_risk) if len(times) else np.array([])
    steps = [(0, 1.0)] + [(int(t), round(float(s), 4)) for t, s in zip(times, survival, strict=True)]
    risk = [(day, int(len(ordered) - np.searchsorted(ordered, day, side="left"))) for day in AT_RISK_DAYS]
    return KaplanMeier(steps=steps, at_risk=risk, events=int(events.sum()), censored=int((~events).sum()))


def _day_bands(facts: Any, people: dict[str, list[int]]) -> list[Band]:
    bands = []
    rows = np.flatnonzero(facts.has_days)
    days = facts.days_to_placement[rows]
    for low, high in DAYS_TO_PLACEMENT_BANDS:
        inside = np.ones(len(rows), dtype=bool)
        inside &= days >= low if low is not None else inside
        inside &= days <= high if high is not None else inside
        label = f"< {high + 1}" if low is None and high is not None else f"≥ {low}" if high is None else f"{low}–{high}"
        band = Band(label=label, count=int(inside.sum()), rows=[int(r) for r in rows[inside]])
        people[f"days_to_placement@band:{label}"] = band.rows
        bands.append(band)
    return bands


def _wage_bands(first_salary: NDArray[np.int64], placed: NDArray[np.bool_], people: dict[str, list[int]]) -> list[Band]:
    minimum = MINIMUM_WAGE_FCFA_MONTH[active_country()]
    bands = []
    for low, high in WAGE_BANDS:
        inside = placed & (first_salary >= low * minimum)
        inside &= (first_salary < high * minimum) if high is not None else inside
        rows = _rows(inside)
        label = f"≥ {low:g}×" if high is None else f"{low:g}×–{high:g}×"
        people[f"start_salary@band:{label}"] = rows
        bands.append(Band(label=label, count=len(rows), rows=rows))
    return bands


def reintegration_by_dimension(followups: Any) -> tuple[dict[int, dict[str, float | None]], dict[int, int]]:
    """Return the mean score of each dimension (and of their mean, as `reintegration_score_Mm`) at 6 and 12 months,
    over the follow-ups that figure counts (reached, done on or before as_of, all three scores, placement started)."""
    scored = followups.reached & ~np.isnan(followups.dimensions).any(axis=1)
    means: dict[int, dict[str, float | None]] = {}
    counts: dict[int, int] = {}
    for month in SCORE_MONTHS:
        chosen = scored & (followups.month == month)
        table = followups.dimensions[chosen]
        means[month] = {d: round(float(table[:, i].mean()), 4) if len(table) else None for i, d in enumerate(DIMENSIONS)}
        means[month]["overall"] = indicators._mean(followups.score[chosen], 4)
        counts[month] = int(chosen.sum())
    return means, counts


def _costs(
    figures: dict[str, Any], cohorts: Sequence[Cohort], groups: Sequence[Group], people: dict[str, list[int]]
) -> list[dict[str, Any]]:
    budgets = [c.budget_eur for c in cohorts]
    total = sum(b for b in budgets if b is not None) if budgets and None not in budgets else None
    scopes = [(c.id, c.budget_eur, figures["cohorts"][c.id]) for c in cohorts] + [("overall", total, figures["overall"])]
    return [
        {"scope": name, "budget_eur": budget, "jobs_at_12m": _jobs(name, groups, people)[12][0],
         "cost_per_job_at_12m_eur": s["cost_per_job_at_12m_eur"]}
        for name, budget, s in scopes
    ]  # fmt: skip


# ---------------------------------------------------------------- regions and pseudonyms


def _folded(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)).strip()


def _regions() -> dict[str, str]:
    return _regions_of(active_country())


@cache
def _regions_of(country: str) -> dict[str, str]:
    towns = get_taxonomy(country).towns
    return {_folded(spelling): t.region for t in towns for spelling in (t.name, *t.variants)}


def region_of_town(town: str | None) -> str:
    """Return the region of a town of the gazetteer (any of its spellings), or "—" when unknown."""
    return _regions().get(_folded(town), UNKNOWN) if town else UNKNOWN


def initials(full_name: str) -> str:
    """Return the initials of a name ("Awa Traoré" → "A. T.")."""
    return " ".join(f"{part[0].upper()}." for part in full_name.replace("-", " ").split() if part)


def age_band(birth_date: date | None, on: date) -> str:
    """Return the age band of a birth date on a day (<25, 25–34, 35–44, 45+), or "—" when not known."""
    if birth_date is None:
        return UNKNOWN
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next(label for low, high, label in AGE_BANDS if age >= low and (high is None or age <= high))


def pseudonym(trainee: Trainee, on: date) -> dict[str, str]:
    """Return what an auditor may see of a trainee: code, initials, age band, region (of the home town)."""
    return {
        "code": trainee.id,
        "initials": initials(trainee.full_name),
        "age_band": age_band(trainee.birth_date, on),
        "region": region_of_town(trainee.home_town),
    }
