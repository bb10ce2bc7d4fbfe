"""Turn exchange records into arrays the engine computes on.

Trainees are sorted by id, so that array order is id order and ties are broken by id for free.
Values outside the taxonomy (kept as written) get their own columns, so "XYZ" required still
matches "XYZ" held.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from math import fsum
from typing import Any, TypeVar, cast

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from matching.evidence import Shown, held_skills, leadership_years, shown_skills
from matching.geo import TownTable, build_town_table
from matching.models import (
    LANGUAGE_LEVELS,
    LEVELS,
    LICENCE_CATEGORIES,
    LITERACY_LEVELS,
    SHIFTS,
    Trainee,
    Vacancy,
)
from matching.normalise import FoldedPositions
from matching.taxonomy import Taxonomy, get_taxonomy

T = TypeVar("T")
NO_DATE = np.iinfo(np.int32).min  # "no date": available now, or no start date


class Index:
    """A growing mapping from values to consecutive column numbers."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.positions: dict[str, int] = FoldedPositions()  # values outside the taxonomy compared folded
        self.values: list[str] = []
        self._met: dict[str, int] = {}  # the column of each value met, as written: the same few recur in every record
        for value in values:
            self.add(value)

    def add(self, value: str) -> int:
        """Return the column of a value, adding it when new."""
        found = self._met.get(value)
        if found is None:
            if value not in self.positions:
                self.positions[value] = len(self.values)
                self.values.append(value)
            found = self._met[value] = self.positions[value]
        return found

    def __len__(self) -> int:
        return len(self.values)

    def copy(self) -> Index:
        """Return an index with the same columns that grows apart from this one."""
        out = Index()
        out.positions.update(dict.items(self.positions))  # already folded: copied as they are
        out.values, out._met = list(self.values), dict(self._met)
        return out


@dataclass
class Space:
    """The shared columns of one matching run: certifications, skills, languages, towns."""

    taxonomy: Taxonomy
    certifications: Index
    skills: Index
    languages: Index
    towns: TownTable
    implies: dict[str, set[str]]
    #: Per index (certifications, skills, languages, towns): its length after the taxonomy's values, then after the
    #: trainees' (the vacancies' values come last). What `fits` compares a side's new records with.
    ends: tuple[tuple[int, int], ...] = ()


def build_space(trainees: Sequence[Trainee], vacancies: Sequence[Vacancy], taxonomy: Taxonomy | None = None) -> Space:
    """Collect every value the records use into one set of columns."""
    taxonomy = taxonomy or get_taxonomy()
    certs = Index(c.code for c in taxonomy.certifications)
    skills = Index(s.code for s in taxonomy.skills)
    languages = Index(lang.code for lang in taxonomy.languages)
    indexes = (certs, skills, languages)
    starts = [len(index) for index in indexes]
    towns: list[str] = []
    for t in trainees:
        [certs.add(c) for c in t.certifications]
        [skills.add(s) for s in t.skills]
        [languages.add(x.language) for x in t.languages]
        towns += [t.home_town, *t.extra_towns]
    after_trainees = [len(index) for index in indexes]
    trainee_towns = len(towns)
    for v in vacancies:
        [certs.add(c) for c in (*v.required_certifications, *v.preferred_certifications)]
        [skills.add(s) for s in (*v.required_skills, *v.preferred_skills)]
        [languages.add(x.language) for x in v.required_languages]
        towns.append(v.town)
    implies = {code: taxonomy.implied_certifications(code) for code in certs.values}
    table = build_town_table(taxonomy, towns)
    gazetteer = len(taxonomy.towns)
    town_end = max([gazetteer - 1, *(table.positions[name] for name in towns[:trainee_towns])]) + 1  # they come first
    ends = (*zip(starts, after_trainees, strict=True), (gazetteer, town_end))
    return Space(taxonomy, certs, skills, languages, table, implies, ends)


def _side_values(trainees: Sequence[Trainee] | None, vacancies: Sequence[Vacancy] | None) -> list[Iterable[str]]:
    """Return the values one side's records add to each index of a space, in `build_space`'s order."""
    if trainees is not None:
        return [
            chain.from_iterable(t.certifications for t in trainees),
            chain.from_iterable(t.skills for t in trainees),
            (x.language for t in trainees for x in t.languages),
            chain.from_iterable((t.home_town, *t.extra_towns) for t in trainees),
        ]
    assert vacancies is not None
    return [
        chain.from_iterable((*v.required_certifications, *v.preferred_certifications) for v in vacancies),
        chain.from_iterable((*v.required_skills, *v.preferred_skills) for v in vacancies),
        (x.language for v in vacancies for x in v.required_languages),
        (v.town for v in vacancies),
    ]


def _appends_exactly(values: Iterable[str], positions: dict[str, int], written: Sequence[str], start: int, end: int) -> bool:
    """Return whether adding `values` in order to an index holding its columns before `start` would add exactly its
    columns `start`…`end - 1`, in that order and as written there."""
    expected = start
    for value in values:
        found = positions.get(value)
        if found is None or found >= end or found > expected:
            return False
        if found == expected:
            if written[found] != value:
                return False
            expected += 1
    return expected == end


def fits(space: Space, *, trainees: Sequence[Trainee] | None = None, vacancies: Sequence[Vacancy] | None = None) -> bool:
    """Return whether `build_space` would give the space's other side's records with one side's new records (trainees or
    vacancies) exactly this space's columns, so that what the other side was encoded over still holds."""
    if not space.ends or space.taxonomy is not get_taxonomy():
        return False
    indexes = [
        (space.certifications.positions, space.certifications.values),
        (space.skills.positions, space.skills.values),
        (space.languages.positions, space.languages.values),
        (space.towns.positions, space.towns.names),
    ]
    sizes = [len(written) for _, written in indexes]
    for values, (positions, written), (start, middle), size in zip(
        _side_values(trainees, vacancies), indexes, space.ends, sizes, strict=True
    ):
        first, last = (start, middle) if trainees is not None else (middle, size)
        if not _appends_exactly(values, positions, written, first, last):
            return False
    return True


def own_values(space: Space, trainees: Sequence[Trainee]) -> tuple[tuple[str, ...], ...]:
    """Return, per index (certifications, skills, languages, towns), the trainees' values that the space has no trainee
    column for, each once as first written: trainees with the same ones fit the same preparations (`fits`)."""
    indexes = [space.certifications.positions, space.skills.positions, space.languages.positions, space.towns.positions]
    out = []
    for values, positions, (_, middle) in zip(_side_values(trainees, None), indexes, space.ends or [(0, 0)] * 4, strict=True):
        seen: dict[str, None] = {}
        for value in values:
            found = positions.get(value)
            if found is None or found >= middle:
                seen.setdefault(value, None)
        out.append(tuple(seen))
    return tuple(out)


def _day(value: date | None) -> int:
    return value.toordinal() if value is not None else NO_DATE


def rows_matrix(rows: Sequence[Iterable[int]], width: int) -> sparse.csr_matrix:
    """Return a 0/1 matrix with a row per list of columns (1 at each column listed), its columns sorted."""
    indptr, indices = [0], []
    for row in rows:
        cols = sorted(set(row))
        indices += cols
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return sparse.csr_matrix((data, np.array(indices, dtype=np.int32), np.array(indptr)), shape=(len(rows), width))


def _flags(rows: Sequence[Sequence[int]], width: int, empty_means_all: bool = False) -> NDArray[np.bool_]:
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    columns = np.fromiter(chain.from_iterable(rows), dtype=np.intp, count=int(lengths.sum()))
    out = np.zeros((len(rows), width), dtype=bool)
    out[np.repeat(np.arange(len(rows)), lengths), columns] = True
    if empty_means_all:
        out[lengths == 0] = True
    return out


_LANGUAGE_RANKS: dict[str, int] = {level: rank for rank, level in enumerate(LANGUAGE_LEVELS, start=1)}


def _language_levels(items: Sequence[Sequence[tuple[str, str]]], space: Space) -> NDArray[np.int8]:
    """Return levels 1 (basic) … 4 (native), 0 where the language is absent."""
    positions = space.languages.positions
    cells = [(i, positions[language], _LANGUAGE_RANKS[level]) for i, row in enumerate(items) for language, level in row]
    out = np.zeros((len(items), len(space.languages)), dtype=np.int8)
    if cells:
        rows, columns, levels = np.array(cells, dtype=np.intp).T
        np.maximum.at(out, (rows, columns), levels.astype(np.int8))
    return out


@dataclass
class TraineeArrays:
    """Trainees as arrays, one row per trainee, in id order."""

    records: list[Trainee]
    ids: list[str]
    home: NDArray[np.int32]
    mobility: NDArray[np.int8]
    extra_towns: sparse.csr_matrix
    certifications: NDArray[np.bool_]
    skills: sparse.csr_matrix  # held: listed, or shown by certifications, passed modules and past job titles
    shown: list[dict[str, tuple[Shown, ...]]]  # per trainee, the skills their record shows and what shows each
    languages: NDArray[np.int8]
    licences: NDArray[np.bool_]
    literacy: NDArray[np.int8]
    security_years: NDArray[np.float64]
    leadership_years: NDArray[np.float64]
    grade: NDArray[np.float64]
    available_from: NDArray[np.int32]
    preferred_levels: NDArray[np.bool_]
    preferred_shifts: NDArray[np.bool_]
    #: What explaining computes from the trainees alone, kept with them (`derived`): every explainer of every
    #: preparation sharing this encoding (both languages, a revised preparation) uses it.
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.ids)

    def derived(self, name: str, make: Callable[[], T]) -> T:
        """Return something computed from the trainees (and their columns) alone: computed once per encoding."""
        found = self.cache.get(name)
        if found is None:
            found = self.cache[name] = make()
        return cast(T, found)


def encode_trainees(trainees: Sequence[Trainee], space: Space) -> TraineeArrays:
    """Encode trainees, sorted by id, as arrays over the space's columns."""
    records = sorted(trainees, key=lambda t: t.id)
    certs, towns = space.certifications.positions, space.towns.positions
    held = [set().union(*(space.implies[c] for c in t.certifications)) for t in records]
    shown = [shown_skills(t, space.taxonomy) for t in records]
    return TraineeArrays(
        records=records,
        ids=[t.id for t in records],
        home=np.array([towns[t.home_town] for t in records], dtype=np.int32),
        mobility=np.array([("town", "region", "country").index(t.mobility) for t in records], dtype=np.int8),
        extra_towns=rows_matrix([[towns[x] for x in t.extra_towns] for t in records], len(space.towns)),
        certifications=_flags([[certs[c] for c in h if c in certs] for h in held], len(space.certifications)),
        skills=rows_matrix(
            [[space.skills.add(s) for s in held_skills(t, space.taxonomy, s)] for t, s in zip(records, shown, strict=True)],
            len(space.skills),
        ),
        shown=shown,
        languages=_language_levels([[(x.language, x.level) for x in t.languages] for t in records], space),
        licences=_flags([[LICENCE_CATEGORIES.index(c) for c in t.driving_licences] for t in records], 5),
        literacy=np.array([LITERACY_LEVELS.index(t.literacy) for t in records], dtype=np.int8),
        security_years=np.array([t.security_years for t in records], dtype=np.float64),
        leadership_years=np.array([leadership_years(t, space.taxonomy) for t in records], dtype=np.float64),
        grade=np.array([np.nan if (g := training_grade(t)) is None else g for t in records], dtype=np.float64),
        available_from=np.array([_day(t.available_from) for t in records], dtype=np.int32),
        preferred_levels=_flags([[LEVELS.index(x) for x in t.preferred_levels] for t in records], 3, True),
        preferred_shifts=_flags([[SHIFTS.index(x) for x in t.preferred_shifts] for t in records], 3, True),
    )


def training_grade(trainee: Trainee) -> float | None:
    """Return the trainee's training grade out of 20: the overall grade, else the plain mean of the module grades.

    A file knows no module weights, so every module counts alike; None when there is no grade at all.
    """
    training = trainee.training
    if training is None or (training.overall is None and not training.modules):
        return None
    return training.overall if training.overall is not None else fsum(training.modules.values()) / len(training.modules)


@dataclass
class VacancyArrays:
    """Vacancies as arrays, one row per vacancy, in input order."""

    records: list[Vacancy]
    ids: list[str]
    town: NDArray[np.int32]
    level: NDArray[np.int8]
    shift: NDArray[np.int8]
    seats: NDArray[np.int64]
    required_certifications: NDArray[np.bool_]
    preferred_certifications: NDArray[np.bool_]
    required_skills: sparse.csr_matrix
    preferred_skills: sparse.csr_matrix
    required_languages: NDArray[np.int8]
    min_literacy: NDArray[np.int8]
    min_experience: NDArray[np.float64]
    licence: NDArray[np.int8]
    start_date: NDArray[np.int32]
    salary: NDArray[np.int64]  # FCFA a month, -1 when not given

    def __len__(self) -> int:
        return len(self.ids)


def encode_vacancies(vacancies: Sequence[Vacancy], space: Space) -> VacancyArrays:
    """Encode vacancies as arrays over the space's columns."""
    records = list(vacancies)
    certs, skills = space.certifications.positions, space.skills.positions
    return VacancyArrays(
        records=records,
        ids=[v.id for v in records],
        town=np.array([space.towns.positions[v.town] for v in records], dtype=np.int32),
        level=np.array([LEVELS.index(v.level) for v in records], dtype=np.int8),
        shift=np.array([-1 if v.shift is None else SHIFTS.index(v.shift) for v in records], dtype=np.int8),
        seats=np.array([v.seats for v in records], dtype=np.int64),
        required_certifications=_flags([[certs[c] for c in v.required_certifications] for v in records], len(certs)),
        preferred_certifications=_flags([[certs[c] for c in v.preferred_certifications] for v in records], len(certs)),
        required_skills=rows_matrix([[skills[s] for s in v.required_skills] for v in records], len(skills)),
        preferred_skills=rows_matrix([[skills[s] for s in only_preferred(v)] for v in records], len(skills)),
        required_languages=_language_levels([[(x.language, x.level) for x in v.required_languages] for v in records], space),
        min_literacy=np.array(
            [0 if v.min_literacy is None else LITERACY_LEVELS.index(v.min_literacy) for v in records], dtype=np.int8
        ),
        min_experience=np.array([v.min_experience_years for v in records], dtype=np.float64),
        licence=np.array(
            [-1 if v.driving_licence is None else LICENCE_CATEGORIES.index(v.driving_licence) for v in records],
            dtype=np.int8,
        ),
        start_date=np.array([_day(v.start_date) for v in records], dtype=np.int32),
        salary=np.array([-1 if v.salary_fcfa_month is None else v.salary_fcfa_month for v in records], dtype=np.int64),
    )


def only_preferred(vacancy: Vacancy) -> list[str]:
    """Return a vacancy's preferred skills that it does not also require: a skill counts once, however often named."""
    required = set(vacancy.required_skills)
    return [s for s in vacancy.preferred_skills if s not in required]
