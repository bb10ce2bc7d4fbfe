"""Hard constraints and soft score components, computed over blocks of vacancies × all trainees.

Every function here works on whole matrices (rows: vacancies of a block, columns: trainees); none
loops over pairs. A block holds everything needed to rank its vacancies, explain each candidate and
list each ineligible trainee's failed rules.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from threadpoolctl import ThreadpoolController

from matching.components import COMPONENTS, NAMES, PerAttribute, PerBlock, PerTrainee, extra_towns
from matching.config import ScoringConfig
from matching.encoding import (
    Space,
    TraineeArrays,
    VacancyArrays,
    build_space,
    encode_trainees,
    encode_vacancies,
    fits,
)
from matching.gcpause import paused_gc
from matching.models import Trainee, Vacancy
from matching.taxonomy import get_taxonomy
from matching.text import TraineeWords, VacancyTerms, held_terms, trainee_words, vacancy_terms
from matching.timing import stage

Bools = NDArray[np.bool_]
Floats = NDArray[np.float64]
#: Pairs scored per block (vacancies × trainees); bounds memory at roughly 100 bytes a pair.
BLOCK_PAIRS = 1_000_000


Rows = slice | NDArray[np.intp]


@dataclass
class Table:
    """A matrix that depends on one vacancy attribute only: one row per distinct value, shared."""

    inverse: NDArray[np.intp]  # vacancy → row of `values`
    values: NDArray[Any]  # distinct values × trainees
    keys: NDArray[Any] = field(default_factory=lambda: np.zeros((0, 1)))  # the distinct values, sorted (rows of `values`)
    first: NDArray[np.intp] = field(default_factory=lambda: np.zeros(0, dtype=np.intp))  # a vacancy with each value

    def take(self, rows: Rows) -> NDArray[Any]:
        """Return the table's rows for a block of vacancies."""
        return self.values[self.inverse[rows]]


Compute = Callable[[NDArray[np.intp]], NDArray[Any]]


def _distinct(keys: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp], NDArray[np.intp]]:
    """Return the distinct keys (rows, sorted), a vacancy with each, and each vacancy's distinct key."""
    keys = keys.reshape(len(keys), -1) if len(keys) else np.zeros((0, 1), dtype=np.int64)
    distinct, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return distinct, first.astype(np.intp), inverse.reshape(-1).astype(np.intp)


def factor(keys: NDArray[Any], compute: Compute) -> Table:
    """Compute `compute(vacancy rows)` once per distinct key instead of once per vacancy."""
    distinct, first, inverse = _distinct(keys)
    return Table(inverse, compute(first), distinct, first)


def refactor(keys: NDArray[Any], compute: Compute, before: Table, before_keys: NDArray[Any] | None = None) -> Table:
    """Return `factor(keys, compute)`, copying the rows of the keys `before` has (`before_keys`: its keys restated).

    A row depends on its key alone (and on the trainees, the same for both), so a copied row is the one `compute`
    would give.
    """
    distinct, first, inverse = _distinct(keys)
    known = before.keys if before_keys is None else before_keys
    if known.dtype != distinct.dtype or known.shape[1:] != distinct.shape[1:]:
        return Table(inverse, compute(first), distinct, first)
    if known.shape == distinct.shape and known.tobytes() == distinct.tobytes():
        return Table(inverse, before.values, distinct, first)  # the same rows: shared, not copied (tens of megabytes)
    rows = {key.tobytes(): row for row, key in enumerate(known)}
    source = np.array([rows.get(key.tobytes(), -1) for key in distinct], dtype=np.intp)
    missing = np.flatnonzero(source < 0)
    fresh = compute(first[missing]) if len(missing) else before.values[:0]
    if fresh.dtype != before.values.dtype or fresh.shape[1:] != before.values.shape[1:]:
        return Table(inverse, compute(first), distinct, first)
    values = np.empty((len(distinct), *before.values.shape[1:]), dtype=before.values.dtype)
    values[source >= 0] = before.values[source[source >= 0]]
    values[missing] = fresh
    return Table(inverse, values, distinct, first)


def recompute(before: Table, compute: Compute) -> Table:
    """Return a table with `before`'s keys (the same vacancies) and its rows computed again (other trainees)."""
    return Table(before.inverse, compute(before.first), before.keys, before.first)


@dataclass
class Prepared:
    """Everything about a run that does not depend on the block: encodings, text, shared tables."""

    space: Space
    trainees: TraineeArrays
    vacancies: VacancyArrays
    config: ScoringConfig
    vacancy_text: sparse.csr_matrix
    trainee_terms: Floats  # [term, trainee] 1 when the trainee's text has the term
    text_terms: list[str]
    skills_held_t: Floats  # [vacancy-side skill column, trainee]
    skill_columns: NDArray[np.intp]  # the skill columns some vacancy asks for
    weights: Floats  # [vacancy level, component in the registry's order], each row summing to 1
    tables: dict[str, Table] = field(default_factory=dict)  # the hard rules' and the per-attribute components'
    per_trainee: dict[str, Floats] = field(default_factory=dict)  # the components that do not depend on the vacancy
    weighted: list[Table] = field(default_factory=list)  # the shared components, weighted and summed
    sides: Sides | None = None  # what `revise` reuses


@dataclass
class Sides:
    """What a preparation keeps of each side so that `revise` encodes again only the side that changed."""

    trainees: Sequence[Trainee]  # the trainees as given (the space's columns follow their order)
    words: TraineeWords  # the words of each trainee's text, in id order
    terms: VacancyTerms  # the vacancies' text weights, before the terms no trainee has are dropped
    groups: list[list[str]]  # the components summed in each of `Prepared.weighted`
    keys: dict[str, NDArray[Any]] = field(default_factory=dict)  # each per-attribute component's key, per vacancy


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the engine's matrix products (BLAS) on the calling thread only.

    They are small (a few rows of weights by every trainee), and the engine already keeps the second core busy
    (`score_blocks`): BLAS's own threads would only wait for work, spinning, after each one (about a tenth of
    the CPU time of a whole run). Each product is computed alike on one thread or several.
    """
    with _thread_pools().limit(limits=1, user_api="blas"):
        yield


@cache
def _thread_pools() -> ThreadpoolController:
    """Return the process's thread pools, found once (finding them scans every loaded library: milliseconds)."""
    return ThreadpoolController()


def prepare(trainees: Sequence[Trainee], vacancies: Sequence[Vacancy], config: ScoringConfig | None = None) -> Prepared:
    """Encode the records and precompute what every block shares."""
    with paused_gc(), one_blas_thread():
        return _prepare(trainees, vacancies, config or ScoringConfig())


def revise(
    p: Prepared,
    *,
    trainees: Sequence[Trainee] | None = None,
    vacancies: Sequence[Vacancy] | None = None,
    config: ScoringConfig | None = None,
) -> Prepared:
    """Return `prepare` of `p`'s records with one side's replaced (trainees or vacancies), encoding only that side.

    The other side's encoding, and what depends on it alone, is `p`'s (shared, never changed); the rows of the
    shared tables whose vacancy attribute values `p` has are copied. The result is the same as a full `prepare`:
    when it could not be (the new records would change the space's columns, or another configuration), it is one.
    """
    config = config or p.config
    if trainees is None and vacancies is None and config == p.config:
        return p
    one_side = (trainees is None) != (vacancies is None)
    if not (one_side and config == p.config and p.sides is not None and fits(p.space, trainees=trainees, vacancies=vacancies)):
        return _prepare_again(p, trainees, vacancies, config)
    with paused_gc(), one_blas_thread():
        return _revise(p, trainees, vacancies)


def _prepare_again(
    p: Prepared, trainees: Sequence[Trainee] | None, vacancies: Sequence[Vacancy] | None, config: ScoringConfig
) -> Prepared:
    """Return the full preparation `revise` falls back to, with the unchanged side's text (it needs no columns)."""
    sides = p.sides if p.sides is not None and p.space.taxonomy is get_taxonomy() else None
    with paused_gc(), one_blas_thread():
        return _prepare(
            (sides.trainees if sides is not None else p.trainees.records) if trainees is None else trainees,
            p.vacancies.records if vacancies is None else vacancies,
            config,
            words=sides.words if sides is not None and trainees is None else None,
            terms=sides.terms if sides is not None and vacancies is None else None,
        )


def _prepare(
    trainees: Sequence[Trainee],
    vacancies: Sequence[Vacancy],
    config: ScoringConfig,
    *,
    words: TraineeWords | None = None,
    terms: VacancyTerms | None = None,
) -> Prepared:
    space = build_space(trainees, vacancies)
    with stage("encode"):
        t = encode_trainees(trainees, space)
        v = encode_vacancies(vacancies, space)
    with stage("text"):
        words = words or trainee_words(t.records, space.taxonomy)
        sides = Sides(trainees, words, terms or vacancy_terms(v.records, space.taxonomy), [])
    return _assemble(space, t, v, config, sides, None)


def _revise(p: Prepared, trainees: Sequence[Trainee] | None, vacancies: Sequence[Vacancy] | None) -> Prepared:
    assert p.sides is not None
    space, sides = p.space, p.sides
    with stage("encode"):
        if trainees is not None:
            space = replace(space, skills=space.skills.copy())  # encoding may add a skill a record shows: not to `p`'s
            t, v = encode_trainees(trainees, space), p.vacancies
            if len(space.skills) != len(p.space.skills):
                return prepare(trainees, p.vacancies.records, p.config)
            space = p.space
        else:
            assert vacancies is not None
            t, v = p.trainees, encode_vacancies(vacancies, space)
    with stage("text"):
        if trainees is not None:
            sides = replace(sides, trainees=trainees, words=trainee_words(t.records, space.taxonomy), keys={})
        else:
            sides = replace(sides, terms=vacancy_terms(v.records, space.taxonomy), keys={})
    return _assemble(space, t, v, p.config, sides, Basis(p, same_vacancies=trainees is not None))


@dataclass(frozen=True)
class Basis:
    """A preparation revised on one side: its vacancies are kept (the trainees changed) or its trainees are."""

    p: Prepared
    same_vacancies: bool


def _assemble(
    space: Space, t: TraineeArrays, v: VacancyArrays, config: ScoringConfig, sides: Sides, basis: Basis | None
) -> Prepared:
    """Build a preparation from both sides' encodings, reusing what the basis's kept side gives."""
    with stage("text"):
        t_text = held_terms(sides.words, sides.terms.terms)
        used = np.flatnonzero(np.diff(t_text.indptr))  # terms no trainee has add nothing: drop them
        v_text, t_terms = sides.terms.weights[:, used].tocsr(), t_text[used].toarray()
    asked = (v.required_skills + v.preferred_skills).tocsc()
    columns = np.flatnonzero(np.diff(asked.indptr)).astype(np.intp)
    same_trainees = basis is not None and not basis.same_vacancies
    if basis is not None and same_trainees and np.array_equal(columns, basis.p.skill_columns):
        skills_held_t = basis.p.skills_held_t
    else:
        skills_held_t = np.ascontiguousarray(t.skills[:, columns].T.toarray())
    p = Prepared(
        space=space,
        trainees=t,
        vacancies=v,
        config=config,
        vacancy_text=v_text,
        trainee_terms=t_terms,
        text_terms=[sides.terms.terms[i] for i in used],
        skills_held_t=skills_held_t,
        skill_columns=columns,
        weights=config.weight_rows(),
        sides=sides,
    )
    with stage("encode"):
        p.tables = _tables(p, basis)
        if basis is not None and same_trainees:
            p.per_trainee = basis.p.per_trainee
        else:
            p.per_trainee = {c.name: c.computed.values(p) for c in COMPONENTS if isinstance(c.computed, PerTrainee)}
        p.weighted = _weighted(p, basis)
    return p


def _tables(p: Prepared, basis: Basis | None) -> dict[str, Table]:
    """Return the hard rules' and the per-attribute components' tables, reusing the basis's where they still hold."""
    out = {}
    known = basis.p.sides.keys if basis is not None and basis.same_vacancies and basis.p.sides is not None else {}
    for name, (keys, compute) in _table_specs(p, known).items():
        if basis is None:
            out[name] = factor(keys, compute)
        elif basis.same_vacancies:  # the same keys, every row computed for the new trainees
            out[name] = recompute(basis.p.tables[name], compute)
        else:
            out[name] = refactor(keys, compute, basis.p.tables[name])
    return out


def _table_specs(p: Prepared, known: dict[str, NDArray[Any]]) -> dict[str, tuple[NDArray[Any], Compute]]:
    """Return each table's vacancy attribute (one key per vacancy; `known`: those of the same vacancies) and how its
    rows are computed."""
    t, v = p.trainees, p.vacancies
    accepts = _mobility_table(p.space, p.config)
    specs: dict[str, tuple[NDArray[Any], Compute]] = {
        "mobility": (v.town, lambda r: _within_mobility(t, accepts, v.town[r])),
        "experience_fail": (v.min_experience, lambda r: t.security_years[None, :] < v.min_experience[r, None]),
        "literacy_fail": (v.min_literacy, lambda r: t.literacy[None, :] < v.min_literacy[r, None]),
        "licence_fail": (v.licence, lambda r: _missing_licence(v.licence[r], t.licences)),
        "tie": (v.town, lambda r: tie_ranks(p, v.town[r])),
    }
    for c in COMPONENTS:
        if isinstance(c.computed, PerAttribute):
            specs[c.name] = _attribute_spec(p, c.computed, known.get(c.name))
            if p.sides is not None:
                p.sides.keys[c.name] = specs[c.name][0]
    return specs


def tie_ranks(p: Prepared, sites: NDArray[np.int32]) -> NDArray[np.int32]:
    """Return [site, trainee]: each trainee's place among all trainees when their scores tie (0 first).

    More security experience first, then living nearer the site, then the trainee id (the column order); the
    trainee id alone when the configuration says so (the exchange format's ranking document).
    """
    t = p.trainees
    if p.config.ties_by_id:
        return np.broadcast_to(np.arange(len(t), dtype=np.int32), (len(sites), len(t))).copy()
    km = np.nan_to_num(p.space.towns.distance_km[t.home[None, :], sites[:, None]], nan=np.inf)
    columns = np.broadcast_to(np.arange(len(t)), km.shape)
    order = np.lexsort((columns, km, np.broadcast_to(-t.security_years, km.shape)), axis=-1)
    out = np.empty(km.shape, dtype=np.int32)
    np.put_along_axis(out, order, columns.astype(np.int32), axis=1)
    return out


def _attribute_spec(p: Prepared, computed: PerAttribute, known: NDArray[Any] | None) -> tuple[NDArray[Any], Compute]:
    key = computed.key(p) if known is None else known
    return key, lambda rows: computed.values(p, key[rows])


def _mobility_table(space: Space, config: ScoringConfig) -> Bools:
    distance = space.towns.distance_km
    near = np.nan_to_num(distance, nan=np.inf) <= config.mobility_radius_km
    np.fill_diagonal(near, True)
    region = near | space.towns.same_region()
    return np.stack([near, region, np.ones_like(near)])


# ---------------------------------------------------------------- hard constraints

#: The hard rules of FORMAT.md, by their names in `rdvm rank`'s output, in FORMAT.md's order.
RULES: tuple[str, ...] = ("certifications", "languages", "mobility", "driving_licence", "experience", "literacy")


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
        return self.count() > 0

    def _items(self, name: str) -> list[Bools]:
        """Return a rule's matrices: one per item for certifications and languages, else the rule's own."""
        if name in ("certifications", "languages"):
            return list((self.certifications if name == "certifications" else self.languages).values())
        single = {"mobility": self.mobility, "driving_licence": self.licence, "experience": self.experience}
        return [single[name] if name in single else {"literacy": self.literacy}[name]]

    def rule(self, name: str) -> Bools:
        """Return the pairs that fail one rule of RULES (a rule about several items fails when any item is missing)."""
        out = np.zeros_like(self.mobility)
        for failed in self._items(name):
            out |= failed
        return out

    def rule_at(self, name: str, rows: NDArray[np.intp], trainees: NDArray[np.intp]) -> Bools:
        """Return whether some (row, trainee) pairs fail one rule of RULES."""
        out = np.zeros(len(rows), dtype=bool)
        for failed in self._items(name):
            out |= failed[rows, trainees]
        return out

    def tally(self) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
        """Return, per pair, how many of the six rules it fails, and per row how many trainees each rule excludes."""
        count = np.zeros(self.mobility.shape, dtype=np.int8)
        excluded = np.zeros((len(self.mobility), len(RULES)), dtype=np.int64)
        for r, name in enumerate(RULES):
            failed = self.rule(name)
            count += failed
            excluded[:, r] = failed.sum(axis=1)
        return count, excluded

    def count(self) -> NDArray[np.int8]:
        """Return, per pair, how many of the six rules it fails."""
        return self.tally()[0]


def hard_failures(p: Prepared, rows: Rows) -> Failures:
    """Evaluate the six hard rules of FORMAT.md for a block of vacancies against all trainees."""
    t, v = p.trainees, p.vacancies
    return Failures(
        certifications=_missing_columns(v.required_certifications[rows], t.certifications),
        languages=_languages_below(v.required_languages[rows], t.languages),
        mobility=~p.tables["mobility"].take(rows),
        licence=p.tables["licence_fail"].take(rows),
        experience=p.tables["experience_fail"].take(rows),
        literacy=p.tables["literacy_fail"].take(rows),
    )


def _missing_columns(required: Bools, held: Bools) -> dict[int, Bools]:
    out = {}
    for k in np.flatnonzero(required.any(axis=0)):
        out[int(k)] = missing = np.zeros((len(required), len(held)), dtype=bool)
        missing[required[:, k]] = ~held[:, k]  # only the vacancies that ask for it: most rows stay False
    return out


def _languages_below(required: NDArray[np.int8], spoken: NDArray[np.int8]) -> dict[int, Bools]:
    out = {}
    for k in np.flatnonzero(required.any(axis=0)):
        asking = np.flatnonzero(required[:, k] > 0)  # no level is below "not asked"
        out[int(k)] = below = np.zeros((len(required), len(spoken)), dtype=bool)
        below[asking] = spoken[None, :, k] < required[asking, k, None]
    return out


def _within_mobility(t: TraineeArrays, accepts: Bools, site: NDArray[np.int32]) -> Bools:
    return accepts[t.mobility[None, :], t.home[None, :], site[:, None]] | extra_towns(t, site)


def _missing_licence(required: NDArray[np.int8], held: Bools) -> Bools:
    out = held[:, np.maximum(required, 0)].T == 0
    out[required < 0, :] = False
    return out


# ---------------------------------------------------------------- soft components


def computed_components(p: Prepared, rows: Rows) -> dict[str, Floats]:
    """Compute the components that depend on each vacancy's own lists (see `PerBlock`) for a block."""
    computed = {}
    for c in COMPONENTS:
        if isinstance(c.computed, PerBlock):
            with stage(c.computed.stage):
                computed[c.name] = c.computed.values(p, rows)
    return computed


# ---------------------------------------------------------------- blocks


@dataclass
class Block:
    """Scores and failed rules of vacancies `rows` against every trainee, and the means to explain them."""

    p: Prepared
    rows: slice
    failures: Failures
    eligible: Bools
    computed: dict[str, Floats]  # the per-block components; the others come from shared tables
    score: Floats  # rounded to config.decimals; -1 where ineligible
    near: Floats  # the score a pair failing exactly one rule would have without it; -1 elsewhere
    rule_counts: NDArray[np.int64]  # [row, rule of RULES] trainees the rule excludes
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # what explaining the block computes once

    def tie(self) -> NDArray[np.int32]:
        """Return each pair's place among the row's trainees when scores tie (experience, distance, id)."""
        return self.p.tables["tie"].take(self.rows)

    def tie_at(self, rows: NDArray[np.intp], trainees: NDArray[np.intp]) -> NDArray[np.int32]:
        """Return the tie places of some (row, trainee) pairs of the block, without gathering the whole block's."""
        table = self.p.tables["tie"]
        return table.values[table.inverse[self.rows.start + rows], trainees]

    def component(self, name: str) -> Floats:
        """Return one component as a full matrix (block rows × trainees)."""
        if name in self.computed:
            return self.computed[name]
        if name in self.p.per_trainee:
            return np.broadcast_to(self.p.per_trainee[name][None, :], self.score.shape)
        return self.p.tables[name].take(self.rows)

    def pick(self, row: int, trainees: NDArray[np.intp]) -> Floats:
        """Return every component (columns, in the registry's order) of some trainees for one row."""
        return self.pick_pairs(np.full(len(trainees), row, dtype=np.intp), trainees)

    def pick_pairs(self, rows: NDArray[np.intp], trainees: NDArray[np.intp]) -> Floats:
        """Return every component (columns, in the registry's order) of some (row, trainee) pairs of the block."""
        out = np.empty((len(trainees), len(NAMES)))
        vacancies = self.rows.start + rows
        for c, name in enumerate(NAMES):
            if name in self.computed:
                out[:, c] = self.computed[name][rows, trainees]
            elif name in self.p.per_trainee:
                out[:, c] = self.p.per_trainee[name][trainees]
            else:
                table = self.p.tables[name]
                out[:, c] = table.values[table.inverse[vacancies], trainees]
        return out


#: Distinct joint values up to which shared components are summed into one table (one gather per block).
JOINT_LIMIT = 512
#: Rows of a shared table summed at a time.
SUM_ROWS = 16


def weighted_groups(p: Prepared) -> list[list[str]]:
    """Return the shared components summed in each weighted table: as many as their joint distinct values allow."""
    attributes = [c.name for c in COMPONENTS if isinstance(c.computed, PerAttribute)]
    ordered = sorted(attributes, key=lambda name: len(p.tables[name].values))
    groups: list[list[str]] = [[]]
    for name in ordered:
        joint = np.stack([p.vacancies.level, *(p.tables[n].inverse for n in [*groups[-1], name])], axis=1)
        if groups[-1] and len(np.unique(joint, axis=0)) > JOINT_LIMIT:
            groups.append([])
        groups[-1].append(name)
    return groups


def _weighted(p: Prepared, basis: Basis | None) -> list[Table]:
    """Return the weighted tables, reusing the basis's keys (the same vacancies) or its rows (the same trainees)."""
    assert p.sides is not None
    old = basis.p if basis is not None else None
    if basis is None or old is None or old.sides is None:
        p.sides.groups = weighted_groups(p)
        return [factor(*_weighted_spec(p, group)) for group in p.sides.groups]
    if basis.same_vacancies:
        p.sides.groups = old.sides.groups
        return [recompute(table, _weighted_spec(p, group)[1]) for table, group in zip(old.weighted, p.sides.groups, strict=True)]
    p.sides.groups = weighted_groups(p)
    kept = {tuple(group): table for group, table in zip(old.sides.groups, old.weighted, strict=True)}
    out = []
    for group in p.sides.groups:
        keys, compute = _weighted_spec(p, group)
        table = kept.get(tuple(group))
        out.append(factor(keys, compute) if table is None else refactor(keys, compute, table, _restated(table, group, old, p)))
    return out


def _restated(table: Table, group: list[str], old: Prepared, new: Prepared) -> NDArray[np.intp]:
    """Return a weighted table's keys (level, then each component's row) with `new`'s component rows (-1: none has it)."""
    keys = table.keys.copy()
    for k, name in enumerate(group, start=1):
        rows = {key.tobytes(): row for row, key in enumerate(new.tables[name].keys)}
        known = old.tables[name].keys
        moved = np.array([rows.get(key.tobytes(), -1) for key in known], dtype=np.intp)
        keys[:, k] = moved[keys[:, k]] if len(keys) else keys[:, k]
    return keys


def _weighted_spec(p: Prepared, names: list[str]) -> tuple[NDArray[np.intp], Compute]:
    level = p.vacancies.level.astype(np.intp)
    keys = np.stack([level, *(p.tables[n].inverse for n in names)], axis=1)
    weighted = [(p.tables[n].inverse, p.weights[:, NAMES.index(n)], p.tables[n].values) for n in names]

    step = max(SUM_ROWS, SUM_PAIRS // max(len(p.trainees), 1))  # each pair's sum is made alike whatever the step

    def total(rows: NDArray[np.intp]) -> Floats:
        out = np.zeros((len(rows), len(p.trainees)))
        for start in range(0, len(rows), step):  # a few rows at a time: the partial sums stay in the cache
            part, chunk = out[start : start + step], rows[start : start + step]
            for inverse, weight, values in weighted:
                part += weight[level[chunk], None] * values[inverse[chunk]]
        return out

    return keys, total


#: Pairs summed at a time (a few rows): the partial sums stay in the processor's cache while every part is added.
SUM_PAIRS = 20_000


def weighted_scores(p: Prepared, rows: slice, computed: dict[str, Floats], count: NDArray[np.int8]) -> tuple[Floats, Floats]:
    """Return a block's scores (-1 where ineligible) and its near misses' (the score when failing exactly one rule, else
    -1): the weighted mean of every component, clipped to [0, 1] and rounded, without building the shared ones in full."""
    weight = p.weights[p.vacancies.level[rows]]  # [row, component]: each row's level's weights
    own = [NAMES.index(name) for name in p.per_trainee]
    score = (
        weight[:, own] @ np.stack(list(p.per_trainee.values())) if own else np.zeros((rows.stop - rows.start, len(p.trainees)))
    )
    parts = [(values, weight[:, NAMES.index(name), None]) for name, values in computed.items()]
    shared = [(table.values, table.inverse[rows]) for table in p.weighted]
    step = max(1, SUM_PAIRS // max(len(p.trainees), 1))
    buffer = np.empty((min(step, len(score)), len(p.trainees)))
    for start in range(0, len(score), step):
        part, total = slice(start, start + step), score[start : start + step]
        added = buffer[: len(total)]
        for values, w in parts:
            np.multiply(values[part], w[part], out=added)
            total += added
        for values, inverse in shared:
            np.take(values, inverse[part], axis=0, out=added)
            total += added
        np.clip(total, 0.0, 1.0, out=total)
        np.round(total, p.config.decimals, out=total)
    near = np.where(count == 1, score, -1.0)
    np.putmask(score, count > 0, -1.0)
    return score, near


def score_block(p: Prepared, rows: slice) -> Block:
    """Score one block of vacancies against every trainee."""
    with stage("constraints"):
        failures = hard_failures(p, rows)
        count, rule_counts = failures.tally()
    computed = computed_components(p, rows)
    with stage("scoring"):
        score, near = weighted_scores(p, rows, computed, count)
    return Block(p, rows, failures, count == 0, computed, score, near, rule_counts)


def block_rows(vacancy_count: int, trainee_count: int, pairs: int = BLOCK_PAIRS) -> Iterator[slice]:
    """Split the vacancies into row slices of at most about `pairs` pairs each."""
    size = max(1, pairs // max(trainee_count, 1))
    for start in range(0, vacancy_count, size):
        yield slice(start, min(start + size, vacancy_count))


def score_blocks(p: Prepared, pairs: int = BLOCK_PAIRS) -> Iterator[Block]:
    """Score every vacancy, block after block, the next block scored in a thread while this one is used.

    numpy releases the GIL in its matrix work, so scoring block n+1 overlaps with the Python work the caller
    does on block n (reasons, output): the machine's second core is used, and at most two blocks are alive.
    """
    with one_blas_thread(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="rdvm-score") as pool:
        pending: Future[Block] | None = None
        for rows in block_rows(len(p.vacancies), len(p.trainees), pairs):
            following = pool.submit(contextvars.copy_context().run, score_block, p, rows)
            if pending is not None:
                yield pending.result()
            pending = following
        if pending is not None:
            yield pending.result()
