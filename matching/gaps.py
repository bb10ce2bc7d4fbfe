"""Training gaps: which one certification, language level, driving licence or extra town would open most seats.

Read from the near-miss matrices: a pair failing exactly one hard rule is opened by one step, and the step
is named by the rule's items (the certification missing, the language and the level asked, the licence,
the vacancy's town added to the trainee's extra towns). For each step: how many trainees it would make
eligible for at least one vacancy, for how many vacancies and how many open seats. Block by block over
whole matrices, like the ranking.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.config import ScoringConfig
from matching.messages import Lang, label, say
from matching.models import LANGUAGE_LEVELS, LICENCE_CATEGORIES, Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, Bools, Failures, Prepared, block_rows, hard_failures, prepare

#: The kinds of step, in the order equal gaps are listed.
KINDS: tuple[str, ...] = ("certification", "language", "driving_licence", "town")


@dataclass(frozen=True)
class Gap:
    """One step (a certification, a language level, a licence, an extra town) and what it would open."""

    kind: str
    code: str  # certification code, language code, licence category or town name
    level: str | None  # the language level, for a language
    trainees: int  # trainees it would make eligible for at least one vacancy
    vacancies: int  # vacancies it would open to at least one of them
    seats: int  # the seats of those vacancies
    trainee_columns: NDArray[np.intp]  # those trainees (columns of the prepared run), in id order
    vacancy_rows: NDArray[np.intp]  # those vacancies (rows of the prepared run)

    def to_dict(self) -> dict[str, Any]:
        """Return the gap in `rdvm gaps --json`'s form."""
        return {
            "kind": self.kind,
            "code": self.code,
            "level": self.level,
            "trainees": self.trainees,
            "vacancies": self.vacancies,
            "seats": self.seats,
        }

    def sentence(self, lang: Lang, language_name: str | None = None) -> str:
        """Return the gap in words ("12 trainees are one SSIAP1 away from 31 open seats")."""
        step = self.step(lang, language_name)
        return say("gap", lang, trainees=self.trainees, step=step, seats=self.seats, vacancies=self.vacancies)

    def step(self, lang: Lang, language_name: str | None = None) -> str:
        """Return the step alone in words ("un SSIAP1", "une ville de plus (Kati)")."""
        return {
            "certification": lambda: say("gap_certification", lang, code=self.code),
            "language": lambda: say(
                "gap_language", lang, language=language_name or self.code, level=label(self.level or "", lang)
            ),
            "driving_licence": lambda: say("gap_licence", lang, category=self.code),
            "town": lambda: say("gap_town", lang, town=self.code),
        }[self.kind]()


@dataclass
class _Tally:
    """What one step opens, accumulated block by block."""

    trainees: Bools
    vacancies: Bools

    def add(self, rows: slice, opened: Bools) -> None:
        """Add the pairs (block rows × trainees) the step opens."""
        self.trainees |= opened.any(axis=0)
        self.vacancies[rows] |= opened.any(axis=1)


def _steps(p: Prepared) -> list[tuple[str, str, str | None]]:
    """Return every step some vacancy asks for: required certifications, (language, level) pairs, licences, towns."""
    v, space = p.vacancies, p.space
    steps: list[tuple[str, str, str | None]] = [
        ("certification", space.certifications.values[k], None) for k in np.flatnonzero(v.required_certifications.any(axis=0))
    ]
    for k in np.flatnonzero(v.required_languages.any(axis=0)):
        levels = np.unique(v.required_languages[:, k][v.required_languages[:, k] > 0])
        steps += [("language", space.languages.values[k], LANGUAGE_LEVELS[level - 1]) for level in levels.tolist()]
    steps += [("driving_licence", LICENCE_CATEGORIES[c], None) for c in np.unique(v.licence[v.licence >= 0]).tolist()]
    steps += [("town", space.towns.names[town], None) for town in np.unique(v.town).tolist()]
    return steps


def _opened(p: Prepared, f: Failures, rows: slice, step: tuple[str, str, str | None]) -> Bools:
    """Return the pairs of a block failing exactly one rule that this step alone would make eligible."""
    kind, code, level = step
    v, space = p.vacancies, p.space
    if kind == "certification":
        given = p.space.implies.get(code, {code})
        others = [m for k, m in f.certifications.items() if space.certifications.values[k] not in given]
        return f.rule("certifications") & ~np.logical_or.reduce(others, initial=False, axis=0)
    if kind == "language":
        k = space.languages.positions[code]
        others = [m for j, m in f.languages.items() if j != k]
        reaches = (v.required_languages[rows, k] <= LANGUAGE_LEVELS.index(level or "native") + 1)[:, None]
        return f.languages.get(k, np.zeros_like(f.mobility)) & reaches & ~np.logical_or.reduce(others, initial=False, axis=0)
    if kind == "driving_licence":
        return f.licence & (v.licence[rows] == LICENCE_CATEGORIES.index(code))[:, None]
    return f.mobility & (v.town[rows] == space.towns.positions[code])[:, None]


def gaps_prepared(p: Prepared, *, pairs: int = BLOCK_PAIRS) -> list[Gap]:
    """Return every step that would open at least one seat, most seats first (then trainees, vacancies, kind, code).

    A certification that opens exactly what a certification it contains opens is left out (the smaller step).
    """
    steps = _steps(p)
    tallies = [_Tally(np.zeros(len(p.trainees), dtype=bool), np.zeros(len(p.vacancies), dtype=bool)) for _ in steps]
    by_kind: dict[str, list[int]] = {kind: [i for i, s in enumerate(steps) if s[0] == kind] for kind in KINDS}
    for rows in block_rows(len(p.vacancies), len(p.trainees), pairs):
        f = hard_failures(p, rows)
        single = f.tally()[0] == 1
        for kind in ("certification", "language", "driving_licence"):
            for i in by_kind[kind]:
                tallies[i].add(rows, single & _opened(p, f, rows, steps[i]))
        _add_towns(p, rows, single & f.mobility, [(i, steps[i][1]) for i in by_kind["town"]], tallies)
    found = [_gap(p, step, tally) for step, tally in zip(steps, tallies, strict=True) if tally.trainees.any()]
    found = [gap for gap in found if not _redundant(p, gap, found)]
    return sorted(found, key=lambda g: (-g.seats, -g.trainees, -g.vacancies, KINDS.index(g.kind), g.code, g.level or ""))


def _add_towns(p: Prepared, rows: slice, opened: Bools, towns: list[tuple[int, str]], tallies: list[_Tally]) -> None:
    """Add, for each town of the block's vacancies, the pairs that adding it to a trainee's extra towns opens."""
    sites = p.vacancies.town[rows]
    step_of = {p.space.towns.positions[name]: i for i, name in towns}
    for site in np.unique(sites).tolist():  # one pass per distinct town of the block (a few), not per pair
        mine = sites == site
        tally = tallies[step_of[site]]
        tally.trainees |= opened[mine].any(axis=0)
        tally.vacancies[np.arange(rows.start, rows.stop)[mine]] |= opened[mine].any(axis=1)


def _gap(p: Prepared, step: tuple[str, str, str | None], tally: _Tally) -> Gap:
    kind, code, level = step
    return Gap(
        kind=kind,
        code=code,
        level=level,
        trainees=int(tally.trainees.sum()),
        vacancies=int(tally.vacancies.sum()),
        seats=int(p.vacancies.seats[tally.vacancies].sum()),
        trainee_columns=np.flatnonzero(tally.trainees),
        vacancy_rows=np.flatnonzero(tally.vacancies),
    )


def _same(a: Gap, b: Gap) -> bool:
    return np.array_equal(a.trainee_columns, b.trainee_columns) and np.array_equal(a.vacancy_rows, b.vacancy_rows)


def _redundant(p: Prepared, gap: Gap, found: Sequence[Gap]) -> bool:
    """Tell whether a certification opens exactly what one it contains opens (SSIAP2 when SSIAP1 is the need)."""
    if gap.kind != "certification":
        return False
    contained = p.space.implies.get(gap.code, {gap.code}) - {gap.code}
    return any(o.kind == "certification" and o.code in contained and _same(o, gap) for o in found)


def gaps(trainees: Sequence[Trainee], vacancies: Sequence[Vacancy], *, config: ScoringConfig | None = None) -> list[Gap]:
    """Return the training gaps of some trainees for some open vacancies (records validated and normalised)."""
    return gaps_prepared(prepare(trainees, vacancies, config))


def language_names(p: Prepared, lang: Lang) -> dict[str, str]:
    """Return the languages' names in `lang`, by code."""
    return {x.code: (x.fr if lang == "fr" else x.en) for x in p.space.taxonomy.languages}


def sentences(found: Sequence[Gap], p: Prepared, lang: Lang) -> Iterator[str]:
    """Yield each gap in words."""
    names = language_names(p, lang)
    for gap in found:
        yield gap.sentence(lang, names.get(gap.code))
