"""Hard constraints and soft score components, computed over blocks of vacancies × all trainees.

Every function here works on whole matrices (rows: vacancies of a block, columns: trainees); none
loops over pairs. A block holds everything needed to rank its vacancies, explain each candidate and
list each ineligible trainee's failed rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from matching.config import COMPONENTS, ScoringConfig
from matching.encoding import (
    NO_DATE,
    Space,
    TraineeArrays,
    VacancyArrays,
    build_space,
    encode_trainees,
    encode_vacancies,
)
from matching.models import Trainee, Vacancy
from matching.text import tfidf_matrices
from matching.timing import stage

Bools = NDArray[np.bool_]
Floats = NDArray[np.float64]
#: Pairs scored per block (vacancies × trainees); bounds memory at roughly 100 bytes a pair.
BLOCK_PAIRS = 1_000_000


@dataclass
class Prepared:
    """Everything about a run that does not depend on the block: encodings, text, town tables."""

    space: Space
    trainees: TraineeArrays
    vacancies: VacancyArrays
    config: ScoringConfig
    vacancy_text: sparse.csr_matrix
    trainee_text_t: sparse.csr_matrix
    text_terms: list[str]
    accepts: Bools  # [mobility, home town, site town]
    proximity: Floats  # [home town, site town]
    region_languages: NDArray[np.int8]  # [town, language]: level asked of the town's regional languages
    weights: Floats  # in COMPONENTS order, summing to 1


def prepare(trainees: Sequence[Trainee], vacancies: Sequence[Vacancy], config: ScoringConfig | None = None) -> Prepared:
    """Encode the records and precompute what every block shares."""
    config = config or ScoringConfig()
    space = build_space(trainees, vacancies)
    with stage("encode"):
        t_arrays = encode_trainees(trainees, space)
        v_arrays = encode_vacancies(vacancies, space)
    with stage("text"):
        v_text, t_text, terms = tfidf_matrices(v_arrays.records, t_arrays.records, space.taxonomy)
    weights = np.array([config.weights.get(c, 0.0) for c in COMPONENTS], dtype=np.float64)
    return Prepared(
        space=space,
        trainees=t_arrays,
        vacancies=v_arrays,
        config=config,
        vacancy_text=v_text,
        trainee_text_t=t_text,
        text_terms=terms,
        accepts=_mobility_table(space, config),
        proximity=_proximity_table(space, config),
        region_languages=_region_language_table(space, config),
        weights=weights / weights.sum(),
    )


def _mobility_table(space: Space, config: ScoringConfig) -> Bools:
    distance = space.towns.distance_km
    near = np.nan_to_num(distance, nan=np.inf) <= config.mobility_radius_km
    np.fill_diagonal(near, True)
    region = near | space.towns.same_region()
    return np.stack([near, region, np.ones_like(near)])


def _proximity_table(space: Space, config: ScoringConfig) -> Floats:
    return np.nan_to_num(np.exp(-space.towns.distance_km / config.proximity_scale_km), nan=0.0)


def _region_language_table(space: Space, config: ScoringConfig) -> NDArray[np.int8]:
    towns = space.towns
    table = np.zeros((len(towns), len(space.languages)), dtype=np.int8)
    for r, name in enumerate(towns.region_names):
        region = space.taxonomy.region(name)
        cols = [space.languages.positions[c] for c in (region.languages if region else ()) if c in space.languages.positions]
        table[np.ix_(towns.region == r, cols)] = config.region_language_level
    return table


# ---------------------------------------------------------------- hard constraints


@dataclass
class Failures:
    """The failed hard rules of a block, one boolean matrix per rule (True = failed)."""

    certifications: dict[int, Bools]  # certification column → missing
    languages: dict[int, Bools]  # language column → missing or below the level asked
    mobility: Bools
    licence: Bools
    experience: Bools
    literacy: Bools

    def any(self) -> Bools:
        """Return the pairs that fail at least one rule."""
        out = self.mobility | self.licence | self.experience | self.literacy
        for failed in (*self.certifications.values(), *self.languages.values()):
            out |= failed
        return out


def hard_failures(p: Prepared, rows: slice) -> Failures:
    """Evaluate the six hard rules of FORMAT.md for a block of vacancies against all trainees."""
    t, v = p.trainees, p.vacancies
    return Failures(
        certifications=_missing_columns(v.required_certifications[rows], t.certifications),
        languages=_languages_below(v.required_languages[rows], t.languages),
        mobility=~_within_mobility(p, rows),
        licence=_missing_licence(v.licence[rows], t.licences),
        experience=t.security_years[None, :] < v.min_experience[rows, None],
        literacy=t.literacy[None, :] < v.min_literacy[rows, None],
    )


def _missing_columns(required: Bools, held: Bools) -> dict[int, Bools]:
    return {int(k): required[:, k, None] & ~held[None, :, k] for k in np.flatnonzero(required.any(axis=0))}


def _languages_below(required: NDArray[np.int8], spoken: NDArray[np.int8]) -> dict[int, Bools]:
    return {int(k): spoken[None, :, k] < required[:, k, None] for k in np.flatnonzero(required.any(axis=0))}


def _within_mobility(p: Prepared, rows: slice) -> Bools:
    t, site = p.trainees, p.vacancies.town[rows]
    accepted = p.accepts[t.mobility[None, :], t.home[None, :], site[:, None]]
    return accepted | _extra_town_flags(t, site)


def _extra_town_flags(t: TraineeArrays, site: NDArray[np.int32]) -> Bools:
    return np.asarray(t.extra_towns[:, site].T.toarray() > 0)


def _missing_licence(required: NDArray[np.int8], held: Bools) -> Bools:
    out = held[:, np.maximum(required, 0)].T == 0
    out[required < 0, :] = False
    return out


# ---------------------------------------------------------------- soft components


def _coverage(required: sparse.csr_matrix, held_t: sparse.csr_matrix) -> Floats:
    """Share of each row's items the trainee holds; 1 where the row asks nothing."""
    counts = np.asarray(required.sum(axis=1)).ravel()
    hits = (required @ held_t).toarray()
    share = np.divide(hits, counts[:, None], out=np.ones_like(hits), where=counts[:, None] > 0)
    return np.minimum(share, 1.0)


def soft_components(p: Prepared, rows: slice, text: Floats | None = None) -> dict[str, Floats]:
    """Compute every soft component for a block, each a matrix of values in [0, 1]."""
    t, v, cfg = p.trainees, p.vacancies, p.config
    skills_t = t.skills.T.tocsr()
    certs_t = sparse.csr_matrix(t.certifications.T.astype(np.float64))
    site = v.town[rows]
    components = {
        "skills": _coverage(v.required_skills[rows], skills_t),
        "preferred_skills": _coverage(v.preferred_skills[rows], skills_t),
        "certifications": _coverage(sparse.csr_matrix(v.preferred_certifications[rows].astype(np.float64)), certs_t),
        "text": text_similarity(p, rows) if text is None else text,
        "experience": np.clip((t.security_years[None, :] - v.min_experience[rows, None]) / cfg.experience_full_years, 0.0, 1.0),
        "training": np.broadcast_to(np.nan_to_num(t.grade, nan=cfg.missing_grade)[None, :] / 20.0, (len(site), len(t))),
        "proximity": np.maximum(p.proximity[t.home[None, :], site[:, None]], _extra_town_flags(t, site)),
        "availability": _availability(t.available_from, v.start_date[rows], cfg.lateness_zero_days),
        "level": t.preferred_levels[:, v.level[rows]].T.astype(np.float64),
        "shift": _shift_fit(t.preferred_shifts, v.shift[rows]),
        "languages": _language_fit(t.languages, v.required_languages[rows], p.region_languages[site]),
    }
    return {name: np.clip(components[name], 0.0, 1.0) for name in COMPONENTS}


def text_similarity(p: Prepared, rows: slice) -> Floats:
    """Return the text component of a block: the share of each vacancy's text the profile covers."""
    return np.asarray((p.vacancy_text[rows] @ p.trainee_text_t).toarray())


def _availability(available: NDArray[np.int32], start: NDArray[np.int32], zero_days: float) -> Floats:
    late = available[None, :].astype(np.float64) - start[:, None].astype(np.float64)
    late[(start[:, None] == NO_DATE) | (available[None, :] == NO_DATE)] = 0.0
    return np.clip(1.0 - np.maximum(late, 0.0) / zero_days, 0.0, 1.0)


def _shift_fit(preferred: Bools, shift: NDArray[np.int8]) -> Floats:
    fit = preferred[:, np.maximum(shift, 0)].T.astype(np.float64)
    fit[shift < 0, :] = 1.0
    return fit


def _language_fit(spoken: NDArray[np.int8], required: NDArray[np.int8], regional: NDArray[np.int8]) -> Floats:
    """Mean over the vacancy's target languages of min(1, spoken / target).

    Targets: each required language one level above the requirement (capped at native), and the
    site region's languages at `region_language_level` — speaking them helps on site.
    """
    target = np.where(required > 0, np.minimum(required + 1, 4), regional).astype(np.float64)
    total = np.zeros((target.shape[0], spoken.shape[0]))
    for k in np.flatnonzero(target.any(axis=0)):
        goal = target[:, k, None]
        ratio = np.divide(spoken[None, :, k], goal, out=np.zeros_like(total), where=goal > 0)
        total += np.minimum(ratio, 1.0)
    count = (target > 0).sum(axis=1)[:, None]
    return np.divide(total, count, out=np.ones_like(total), where=count > 0)


# ---------------------------------------------------------------- blocks


@dataclass
class Block:
    """Scores, components and failed rules of vacancies `rows` against every trainee."""

    rows: slice
    failures: Failures
    eligible: Bools
    components: dict[str, Floats]
    score: Floats  # rounded to config.decimals; -1 where ineligible


def score_block(p: Prepared, rows: slice) -> Block:
    """Score one block of vacancies against every trainee."""
    with stage("constraints"):
        failures = hard_failures(p, rows)
        eligible = ~failures.any()
    with stage("text"):
        text = text_similarity(p, rows)
    with stage("scoring"):
        components = soft_components(p, rows, text)
        score: Floats = np.zeros(eligible.shape, dtype=np.float64)
        for weight, name in zip(p.weights, COMPONENTS, strict=True):
            score += weight * components[name]
        np.clip(score, 0.0, 1.0, out=score)
        np.round(score, p.config.decimals, out=score)
        score[~eligible] = -1.0
    return Block(rows, failures, eligible, components, score)


def block_rows(vacancy_count: int, trainee_count: int, pairs: int = BLOCK_PAIRS) -> Iterator[slice]:
    """Split the vacancies into row slices of at most about `pairs` pairs each."""
    size = max(1, pairs // max(trainee_count, 1))
    for start in range(0, vacancy_count, size):
        yield slice(start, min(start + size, vacancy_count))


def score_blocks(p: Prepared, pairs: int = BLOCK_PAIRS) -> Iterator[Block]:
    """Score every vacancy, block after block."""
    for rows in block_rows(len(p.vacancies), len(p.trainees), pairs):
        yield score_block(p, rows)
