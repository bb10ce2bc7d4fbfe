"""The soft components of the score, each declared once: everything else reads this registry.

A component's declaration says its name, when a vacancy gives it content, how it is computed over whole
matrices (`matching.scoring`), the same value for one pair in plain Python (the naive reference,
`matching.naive`, that checks the matrices) and how it is explained (`matching.explain`). Its default weight
depends on the vacancy's level: one declaration per level at the end (`BY_LEVEL`) gives every component's
weight and the level's own curves. The default weights (`matching.config`) and the pages' score bars (`web`)
come from here too. Adding a component is one declaration below, its weight in each level's declaration and
its words in `matching.messages`: `component_<name>` (its name on the pages) and the sentences its `reason` says.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from matching.encoding import NO_DATE, only_preferred, training_grade
from matching.evidence import leadership_years
from matching.messages import label, number, say, years_text
from matching.models import LANGUAGE_LEVELS, LEVELS, Trainee, Vacancy

if TYPE_CHECKING:
    from matching.config import ScoringConfig
    from matching.encoding import Space, TraineeArrays
    from matching.explain import Explainer, FactKeys
    from matching.naive import Pair
    from matching.scoring import Prepared, Rows

Floats = NDArray[np.float64]
Intps = NDArray[np.intp]


# ---------------------------------------------------------------- the declaration


@dataclass(frozen=True)
class PerTrainee:
    """Computed once per trainee: the component does not depend on the vacancy."""

    values: Callable[[Prepared], Floats]


@dataclass(frozen=True)
class PerAttribute:
    """Computed once per distinct value of one vacancy attribute (its town, its start date…), shared by the
    vacancies that have that value."""

    #: The attribute, one row per vacancy.
    key: Callable[[Prepared], NDArray[Any]]
    #: The component for some rows of the attribute (its distinct values) × every trainee.
    values: Callable[[Prepared, NDArray[Any]], Floats]


@dataclass(frozen=True)
class PerBlock:
    """Computed for each block of vacancies × every trainee: the component depends on each vacancy's own lists."""

    values: Callable[[Prepared, Rows], Floats]
    #: The `rdvm bench` stage its time counts in.
    stage: str = "scoring"


@dataclass(frozen=True)
class Component:
    """One soft component of the score: a value in [0, 1] per (vacancy, trainee) pair."""

    name: str
    computed: PerTrainee | PerAttribute | PerBlock
    #: The same value for one pair, read straight from the records (before clipping to [0, 1]).
    per_pair: Callable[[Pair], float]
    #: What its sentence depends on, as numbers per (vacancy, trainee) pair: equal numbers, equal sentences.
    facts: Callable[[Explainer], FactKeys]
    #: Its sentence for a pair, when it raised (True) or lowered (False) the score.
    reason: Callable[[Explainer, bool, Vacancy, Trainee], str]
    #: A vacancy field that, left empty, leaves the component nothing to measure (1 for everyone):
    #: it is then never given as a reason, nor shown as a bar.
    vacancy_field: str | None = None
    #: A trainee field that, left empty, means "anything suits me": never given as that trainee's reason.
    trainee_field: str | None = None
    #: The pairs whose value is a mismatch with what the trainee declared or what the post needs, named in
    #: every such candidate's reasons (with the component's low sentence) whether or not it decided the order.
    mismatch: Callable[[Explainer, Intps, Intps, Floats], NDArray[np.bool_]] | None = None
    #: What of a vacancy the component measures, when it is not all of `vacancy_field`.
    content: Callable[[Any], Sequence[object]] | None = None

    def applies(self, vacancy: object) -> bool:
        """Return whether a vacancy (the engine's record or the database's) gives this component content."""
        if self.content is not None:
            return bool(self.content(vacancy))
        return self.vacancy_field is None or bool(getattr(vacancy, self.vacancy_field))

    def left_empty(self, trainee: object) -> bool:
        """Return whether a trainee left this component's wish empty (so it cannot be their reason)."""
        return self.trainee_field is not None and not getattr(trainee, self.trainee_field)


# ---------------------------------------------------------------- helpers shared by several components


def _coverage(required: Floats | sparse.csr_matrix, held_t: NDArray[Any]) -> Floats:
    """Return the share of each row's items the trainee holds; 1 where the row asks nothing."""
    counts = np.asarray(required.sum(axis=1)).reshape(-1)
    share = np.asarray(required @ held_t.astype(np.float64, copy=False))  # the hits (a new array), divided in place
    asking = counts > 0
    np.divide(share, np.where(asking, counts, 1.0)[:, None], out=share)
    share[~asking] = 1.0
    return np.minimum(share, 1.0, out=share)


def _share(items: Sequence[str], held: Sequence[str] | set[str]) -> float:
    """Return the share of the items held (each counted once); 1 when there are none."""
    distinct = list(dict.fromkeys(items))
    return sum(x in held for x in distinct) / len(distinct) if distinct else 1.0


def _ids(items: Sequence[Hashable]) -> Intps:
    """Return a number per item, equal for equal items."""
    seen: dict[Hashable, int] = {}
    return np.array([seen.setdefault(x, len(seen)) for x in items], dtype=np.intp)


def _by_trainee(_: Explainer) -> FactKeys:
    return lambda vs, ts: (ts,)


def _by_vacancy(_: Explainer) -> FactKeys:
    return lambda vs, ts: (vs,)


def _side(high: bool) -> str:
    return "high" if high else "low"


def extra_towns(t: TraineeArrays, site: NDArray[np.int32]) -> NDArray[np.bool_]:
    """Return [site, trainee]: whether the trainee named the site among the extra towns they accept."""
    return np.asarray(t.extra_towns[:, site].T.toarray() > 0)


# ---------------------------------------------------------------- skills, preferred skills, certifications


def _skills_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    held, asked = e.skills_of(t), list(dict.fromkeys(v.required_skills))
    if not high:
        return say("skills_low", e.lang, names=e.skill_names_of([s for s in asked if s not in held]))
    if not asked:
        return say("text_high", e.lang)
    hits = [s for s in asked if s in held]
    found = say("skills_high", e.lang, hits=len(hits), total=len(asked))
    shown = e.shown_text(t, hits)
    return f"{found} ({shown})" if shown else found


def _preferred_skills_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    held, asked = e.skills_of(t), only_preferred(v)
    chosen = [s for s in asked if (s in held) == high]
    found = say(f"preferred_skills_{_side(high)}", e.lang, names=e.skill_names_of(chosen or asked))
    shown = e.shown_text(t, chosen) if high else ""
    return f"{found} ({shown})" if shown else found


def _certifications_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    held = set().union(*(e.p.space.implies.get(c, {c}) for c in t.certifications))
    chosen = [c for c in v.preferred_certifications if (c in held) == high]
    return say(f"certifications_{_side(high)}", e.lang, codes=", ".join(chosen or v.preferred_certifications))


SKILLS = Component(
    name="skills",  # share of the vacancy's required skills the trainee has
    computed=PerBlock(lambda p, rows: _coverage(p.vacancies.required_skills[rows][:, p.skill_columns], p.skills_held_t)),
    per_pair=lambda x: _share(x.v.required_skills, x.skills()),
    facts=lambda e: e.items_held("required_skills", "skills", shown=True),
    reason=_skills_reason,
    vacancy_field="required_skills",
)
PREFERRED_SKILLS = Component(
    name="preferred_skills",  # share of its preferred skills
    computed=PerBlock(lambda p, rows: _coverage(p.vacancies.preferred_skills[rows][:, p.skill_columns], p.skills_held_t)),
    per_pair=lambda x: _share(only_preferred(x.v), x.skills()),
    facts=lambda e: e.items_held("preferred_skills", "skills", shown=True),
    reason=_preferred_skills_reason,
    vacancy_field="preferred_skills",
    content=only_preferred,
)
CERTIFICATIONS = Component(
    name="certifications",  # share of its preferred certifications, implications included
    computed=PerAttribute(
        key=lambda p: p.vacancies.preferred_certifications,
        values=lambda p, asked: _coverage(asked.astype(np.float64), p.trainees.certifications.T),
    ),
    per_pair=lambda x: _share(x.v.preferred_certifications, x.held()),
    facts=lambda e: e.items_held("preferred_certifications", "certifications"),
    reason=_certifications_reason,
    vacancy_field="preferred_certifications",
)


# ---------------------------------------------------------------- text


def _text_similarity(p: Prepared, rows: Rows) -> Floats:
    """Return the share of each vacancy's text (its TF-IDF weight) the profile covers."""
    similarity = np.asarray(p.vacancy_text[rows] @ p.trainee_terms)
    return np.clip(similarity, 0.0, 1.0, out=similarity)


def _text_pair(x: Pair) -> float:
    terms = x.terms()
    return sum(w for term, w in x.term_weights.items() if term in terms)


TEXT = Component(
    name="text",  # share of the vacancy text's TF-IDF weight that the profile's words cover
    computed=PerBlock(_text_similarity, stage="text"),
    per_pair=_text_pair,
    facts=_by_vacancy,
    reason=lambda e, high, v, t: say(f"text_{_side(high)}", e.lang),
)


# ---------------------------------------------------------------- experience and training


def _experience_key(p: Prepared) -> Floats:
    """Return, per vacancy, what its experience curve depends on: the minimum asked and the level."""
    return np.stack([p.vacancies.min_experience, p.vacancies.level.astype(np.float64)], axis=1)


def _experience(p: Prepared, key: Floats) -> Floats:
    full = np.array([p.config.experience_full_years[level] for level in LEVELS])[key[:, 1].astype(np.intp)]
    years = p.trainees.security_years
    return np.clip((years[None, :] - key[:, 0, None]) / full[:, None], 0.0, 1.0)


def _experience_pair(x: Pair) -> float:
    return (x.t.security_years - x.v.min_experience_years) / x.p.config.experience_full_years[x.v.level]


def _training(p: Prepared) -> Floats:
    grade = np.nan_to_num(p.trainees.grade, nan=p.config.missing_grade) / 20.0
    return np.clip(grade, 0.0, 1.0)


def _training_pair(x: Pair) -> float:
    t = x.t
    return (grade if (grade := training_grade(t)) is not None else x.p.config.missing_grade) / 20.0


def _training_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    grade = training_grade(t)
    if grade is None:
        return say("training_none", e.lang, grade=number(e.p.config.missing_grade, e.lang))
    return say(f"training_{_side(high)}", e.lang, grade=number(grade, e.lang))


def _grade_missing(e: Explainer, vs: Intps, ts: Intps, values: Floats) -> NDArray[np.bool_]:
    return np.isnan(e.p.trainees.grade[ts])


def _leadership(p: Prepared) -> Floats:
    return np.minimum(p.trainees.leadership_years / p.config.leadership_full_years, 1.0)


def _leadership_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    years = leadership_years(t, e.p.space.taxonomy)
    return say(f"leadership_{_side(high)}", e.lang, years=years_text(years, e.lang))


EXPERIENCE = Component(
    name="experience",  # security years beyond the minimum asked, full at the level's `experience_full_years` more
    computed=PerAttribute(key=_experience_key, values=_experience),
    per_pair=_experience_pair,
    facts=_by_trainee,
    reason=lambda e, high, v, t: say(f"experience_{_side(high)}", e.lang, years=years_text(t.security_years, e.lang)),
)
TRAINING = Component(
    name="training",  # overall training grade out of 20 (`missing_grade` when there is none)
    computed=PerTrainee(_training),
    per_pair=_training_pair,
    facts=_by_trainee,
    reason=_training_reason,
    mismatch=_grade_missing,
)
LEADERSHIP = Component(
    name="leadership",  # years in jobs whose titles show leading people, full at `leadership_full_years`
    computed=PerTrainee(_leadership),
    per_pair=lambda x: leadership_years(x.t, x.p.space.taxonomy) / x.p.config.leadership_full_years,
    facts=_by_trainee,
    reason=_leadership_reason,
)


# ---------------------------------------------------------------- proximity


def _low_wage(p: Prepared) -> NDArray[np.bool_]:
    """Return, per vacancy, whether it pays at most `low_wage_smig_multiple` × the minimum wage."""
    ceiling = p.config.low_wage_smig_multiple * p.space.taxonomy.minimum_wage_fcfa_month
    return (p.vacancies.salary >= 0) & (p.vacancies.salary <= ceiling)


def half_km(config: ScoringConfig, low_wage: bool | NDArray[np.bool_]) -> Any:
    """Return the distance at which proximity is one half: shorter on low-wage posts."""
    return np.where(low_wage, config.low_wage_proximity_half_km, config.proximity_half_km)


def _proximity_key(p: Prepared) -> NDArray[np.int64]:
    return np.stack([p.vacancies.town.astype(np.int64), _low_wage(p).astype(np.int64)], axis=1)


def _proximity(p: Prepared, key: NDArray[np.int64]) -> Floats:
    t, sites = p.trainees, key[:, 0].astype(np.int32)
    km = p.space.towns.distance_km[t.home[None, :], sites[:, None]]
    closeness = np.nan_to_num(1.0 / (1.0 + km / half_km(p.config, key[:, 1] > 0)[:, None]), nan=0.0)
    return np.maximum(closeness, p.config.extra_town_proximity * extra_towns(t, sites))


def _proximity_pair(x: Pair) -> float:
    km = x.km()
    ceiling = x.p.config.low_wage_smig_multiple * x.p.space.taxonomy.minimum_wage_fcfa_month
    low_wage = x.v.salary_fcfa_month is not None and x.v.salary_fcfa_month <= ceiling
    closeness = 0.0 if km is None else 1.0 / (1.0 + km / float(half_km(x.p.config, low_wage)))
    return max(closeness, x.p.config.extra_town_proximity if x.v.town in x.t.extra_towns else 0.0)


def _proximity_facts(e: Explainer) -> FactKeys:
    t, v = e.p.trainees, e.p.vacancies

    def keys(vs: Intps, ts: Intps) -> tuple[NDArray[Any], ...]:
        site = v.town[vs]
        return t.home[ts], site, np.asarray(t.extra_towns[ts, site]).reshape(-1) > 0

    return keys


def _km(e: Explainer, vs: Intps, ts: Intps) -> Floats:
    return e.p.space.towns.distance_km[e.p.trainees.home[ts], e.p.vacancies.town[vs]]


def _proximity_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    towns = e.p.space.towns
    km = towns.distance_km[towns.positions[t.home_town], towns.positions[v.town]]
    if v.town in t.extra_towns and v.town != t.home_town:
        if km > e.p.config.far_km:
            return say("proximity_extra_far", e.lang, site=v.town, km=int(round(km)))
        return say("proximity_extra", e.lang, site=v.town)
    if np.isnan(km):
        return say("proximity_unknown", e.lang)
    if km < 1:
        return say("proximity_same", e.lang, site=v.town)
    return say("proximity_km", e.lang, km=int(round(km)))


def _far(e: Explainer, vs: Intps, ts: Intps, values: Floats) -> NDArray[np.bool_]:
    return np.nan_to_num(_km(e, vs, ts), nan=0.0) > e.p.config.far_km


PROXIMITY = Component(
    name="proximity",  # 1 / (1 + km / half_km) from home to site; `extra_town_proximity` for an accepted extra town
    computed=PerAttribute(key=_proximity_key, values=_proximity),
    per_pair=_proximity_pair,
    facts=_proximity_facts,
    reason=_proximity_reason,
    mismatch=_far,
)


# ---------------------------------------------------------------- availability, level, shift


def _availability(p: Prepared, start: NDArray[np.int32]) -> Floats:
    available = p.trainees.available_from
    late = available[None, :].astype(np.float64) - start[:, None].astype(np.float64)
    late[(start[:, None] == NO_DATE) | (available[None, :] == NO_DATE)] = 0.0
    return np.clip(1.0 - np.maximum(late, 0.0) / p.config.lateness_zero_days, 0.0, 1.0)


def _days_late(v: Vacancy, t: Trainee) -> int:
    return (t.available_from - v.start_date).days if t.available_from and v.start_date else 0


def _shift_fit(p: Prepared, shift: NDArray[np.int8]) -> Floats:
    fit = p.trainees.preferred_shifts[:, np.maximum(shift, 0)].T.astype(np.float64)
    fit[shift < 0, :] = 1.0
    return fit


def _wish_facts(vacancy_key: str, trainee_field: str) -> Callable[[Explainer], FactKeys]:
    """Return the facts of a wish component: the vacancy's value and the trainee's wishes."""

    def facts(e: Explainer) -> FactKeys:
        asked = getattr(e.p.vacancies, vacancy_key)
        t = e.p.trainees
        wishes = t.derived(f"wishes {trainee_field}", lambda: _ids([tuple(getattr(x, trainee_field)) for x in t.records]))
        return lambda vs, ts: (asked[vs], wishes[ts])

    return facts


def _level_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    if high:
        return say("level_high", e.lang, level=label(v.level, e.lang))
    return say("level_low", e.lang, levels=", ".join(label(x, e.lang) for x in t.preferred_levels) or label(v.level, e.lang))


def _below_one(e: Explainer, vs: Intps, ts: Intps, values: Floats) -> NDArray[np.bool_]:
    return values < 1.0


def _shift_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    if high:
        return say("shift_high", e.lang, shift=label(v.shift or "day", e.lang))
    return say("shift_low", e.lang, shifts=", ".join(label(x, e.lang) for x in t.preferred_shifts))


AVAILABILITY = Component(
    name="availability",  # 1 when available by the start date, falling to 0 at `lateness_zero_days` late
    computed=PerAttribute(key=lambda p: p.vacancies.start_date, values=_availability),
    per_pair=lambda x: 1.0 - max(_days_late(x.v, x.t), 0) / x.p.config.lateness_zero_days,
    facts=lambda e: lambda vs, ts: (e.p.trainees.available_from[ts], e.p.vacancies.start_date[vs]),
    reason=lambda e, high, v, t: (
        say("availability_high", e.lang) if high else say("availability_low", e.lang, days=_days_late(v, t))
    ),
    vacancy_field="start_date",
    mismatch=_below_one,
)
LEVEL = Component(
    name="level",  # the vacancy's level is one the trainee prefers (or they declared none)
    computed=PerAttribute(
        key=lambda p: p.vacancies.level, values=lambda p, level: p.trainees.preferred_levels[:, level].T.astype(np.float64)
    ),
    per_pair=lambda x: 1.0 if not x.t.preferred_levels or x.v.level in x.t.preferred_levels else 0.0,
    facts=_wish_facts("level", "preferred_levels"),
    reason=_level_reason,
    trainee_field="preferred_levels",
    mismatch=_below_one,
)
SHIFT = Component(
    name="shift",  # its shift is one the trainee prefers (or they declared none, or it gives none)
    computed=PerAttribute(key=lambda p: p.vacancies.shift, values=_shift_fit),
    per_pair=lambda x: 1.0 if x.v.shift is None or not x.t.preferred_shifts or x.v.shift in x.t.preferred_shifts else 0.0,
    facts=_wish_facts("shift", "preferred_shifts"),
    reason=_shift_reason,
    vacancy_field="shift",
    trainee_field="preferred_shifts",
    mismatch=_below_one,
)


# ---------------------------------------------------------------- languages


def _region_levels(space: Space, config: ScoringConfig) -> NDArray[np.int8]:
    """Return [town, language]: the level asked of the languages of the town's region."""
    towns = space.towns
    table = np.zeros((len(towns), len(space.languages)), dtype=np.int8)
    for r, name in enumerate(towns.region_names):
        region = space.taxonomy.region(name)
        cols = [space.languages.positions[c] for c in (region.languages if region else ()) if c in space.languages.positions]
        table[np.ix_(towns.region == r, cols)] = config.region_language_level
    return table


def _language_targets(p: Prepared) -> NDArray[np.int8]:
    """Return the level aimed at per vacancy and language: one above each requirement (capped at native), else regional."""
    required = p.vacancies.required_languages
    regional = _region_levels(p.space, p.config)[p.vacancies.town]
    return np.where(required > 0, np.minimum(required + 1, 4), regional).astype(np.int8)


def _language_fit(p: Prepared, target: NDArray[np.int8]) -> Floats:
    """Return the mean over each row's target languages of min(1, spoken / target)."""
    spoken = p.trainees.languages
    goal_all = target.astype(np.float64)
    total = np.zeros((target.shape[0], spoken.shape[0]))
    for k in np.flatnonzero(target.any(axis=0)):
        goal = goal_all[:, k, None]
        ratio = np.divide(spoken[None, :, k], goal, out=np.zeros_like(total), where=goal > 0)
        total += np.minimum(ratio, 1.0)
    count = (target > 0).sum(axis=1)[:, None]
    return np.divide(total, count, out=np.ones_like(total), where=count > 0)


def _region_languages(space: Space, town_name: str) -> tuple[str, ...]:
    town = space.taxonomy.town(town_name)
    region = space.taxonomy.region(town.region) if town else None
    return region.languages if region else ()


def _languages_pair(x: Pair) -> float:
    targets = {s.language: min(LANGUAGE_LEVELS.index(s.level) + 2, 4) for s in x.v.required_languages}
    for code in _region_languages(x.p.space, x.v.town):
        targets.setdefault(code, x.p.config.region_language_level)
    return sum(min(1.0, x.spoken(code) / goal) for code, goal in targets.items()) / len(targets) if targets else 1.0


def _languages_reason(e: Explainer, high: bool, v: Vacancy, t: Trainee) -> str:
    codes = [x.language for x in v.required_languages] or list(_region_languages(e.p.space, v.town))
    return say(f"languages_{_side(high)}", e.lang, names=", ".join(e.language_names.get(c, c) for c in codes))


LANGUAGES = Component(
    name="languages",  # each required language one level above the requirement, the site region's at conversational
    computed=PerAttribute(key=_language_targets, values=_language_fit),
    per_pair=_languages_pair,
    facts=_by_vacancy,
    reason=_languages_reason,
)


# ---------------------------------------------------------------- the registry

#: Every component, in the order of the score's parts, of `rdvm rank`'s `components` and of the pages' bars.
COMPONENTS: tuple[Component, ...] = (
    SKILLS,
    PREFERRED_SKILLS,
    CERTIFICATIONS,
    TEXT,
    EXPERIENCE,
    TRAINING,
    PROXIMITY,
    AVAILABILITY,
    LEVEL,
    SHIFT,
    LANGUAGES,
    LEADERSHIP,
)
NAMES: tuple[str, ...] = tuple(c.name for c in COMPONENTS)
BY_NAME: dict[str, Component] = {c.name: c for c in COMPONENTS}


# ---------------------------------------------------------------- one declaration per level


@dataclass(frozen=True)
class LevelScoring:
    """How the vacancies of one level are scored by default: each component's weight, and the level's own curves.

    The score is the weighted mean of the components, so only ratios matter; each level's weights sum to 1.
    README.md ("How a score is made") gives the reason for each choice.
    """

    weights: Mapping[str, float]
    #: Security years beyond the minimum asked that earn the full experience component.
    experience_full_years: float


GUARD = LevelScoring(
    weights=MappingProxyType(
        {
            "skills": 0.18,  # held skills, evidence included: the job's content
            "preferred_skills": 0.05,
            "certifications": 0.07,
            "text": 0.05,  # only what free text adds
            "experience": 0.08,  # full after 2.5 years: a guard's trade is learnt quickly
            "training": 0.10,
            "proximity": 0.16,  # guards commute on foot or by moto on low pay: living near is what keeps them
            "availability": 0.07,
            "level": 0.12,  # someone who wants to lead leaves a guard post first
            "shift": 0.07,  # night work refused is a post left
            "languages": 0.05,
            "leadership": 0.0,  # not asked of a guard
        }
    ),
    experience_full_years=2.5,
)
SUPERVISOR = LevelScoring(
    weights=MappingProxyType(
        {
            "skills": 0.18,
            "preferred_skills": 0.05,
            "certifications": 0.07,
            "text": 0.06,
            "experience": 0.16,  # a chef de poste is judged by the years on posts
            "training": 0.08,
            "proximity": 0.10,  # better paid: moving for the post is more likely
            "availability": 0.05,
            "level": 0.06,
            "shift": 0.03,
            "languages": 0.05,
            "leadership": 0.11,  # has already led a team (chef d'équipe, chef de poste, superviseur)
        }
    ),
    experience_full_years=5.0,
)
MANAGER = LevelScoring(
    weights=MappingProxyType(
        {
            "skills": 0.18,
            "preferred_skills": 0.05,
            "certifications": 0.07,
            "text": 0.06,
            "experience": 0.17,
            "training": 0.07,
            "proximity": 0.08,
            "availability": 0.05,
            "level": 0.06,
            "shift": 0.02,
            "languages": 0.06,
            "leadership": 0.13,
        }
    ),
    experience_full_years=6.0,
)
#: The default scoring of each vacancy level, in `matching.models.LEVELS` order.
BY_LEVEL: Mapping[str, LevelScoring] = MappingProxyType({"guard": GUARD, "supervisor": SUPERVISOR, "manager": MANAGER})


def applying(vacancy: object) -> list[str]:
    """Return the names of the components a vacancy gives content to, in the registry's order."""
    return [c.name for c in COMPONENTS if c.applies(vacancy)]
