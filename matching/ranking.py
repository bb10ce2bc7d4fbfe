"""Rank every trainee for every vacancy: top-k eligible candidates with components and reasons."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.components import NAMES
from matching.config import ScoringConfig
from matching.explain import Explainer
from matching.gcpause import paused_gc
from matching.messages import Lang, say
from matching.models import Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, RULES, Block, Prepared, prepare, score_blocks
from matching.separation import Placed, separations
from matching.timing import stage

#: The `format` heading `rdvm rank`'s document (FORMAT.md, "Ranking output, version 2").
FORMAT = "rdvm-rank/2"
#: Near misses listed per vacancy unless asked otherwise (`--near`).
NEAR = 10


@dataclass
class Candidate:
    """An eligible trainee for a vacancy, with the parts of its score and why."""

    trainee_id: str
    score: float
    components: dict[str, float]
    reasons: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Return the candidate in the `rdvm rank` output form."""
        return {"trainee_id": self.trainee_id, "score": self.score, "components": self.components, "reasons": self.reasons}


@dataclass
class NearMiss:
    """A trainee failing exactly one hard rule: the score they would have without it, the rule, and why."""

    trainee_id: str
    score: float
    rule: str
    reasons: list[str]
    trainee: int = field(repr=False, compare=False)  # the trainee's column in the prepared run
    missing: tuple[str, ...] = ()  # the certification or language codes missing, for those two rules

    def to_dict(self) -> dict[str, Any]:
        """Return the near miss in the `rdvm rank` output form."""
        return {"trainee_id": self.trainee_id, "score": self.score, "rule": self.rule, "reasons": self.reasons}


@dataclass
class BlockIneligible:
    """Every ineligible pair of a block, row by row in trainee order, and its list of failed rules (shared lists)."""

    bounds: list[int]  # row r's pairs are [bounds[r], bounds[r + 1])
    trainees: NDArray[np.intp]
    groups: NDArray[np.intp]  # each pair's list of `sentences`
    sentences: list[list[str]]


def block_ineligible(block: Block, explainer: Explainer) -> BlockIneligible:
    """Return (once per block) its ineligible pairs with their failed rules, each distinct list written once."""
    found = block.cache.get("ineligible")
    if found is None:
        with stage("ineligible"):
            rows, trainees = np.nonzero(~block.eligible)
            sentences, groups = explainer.failed_groups(block, rows, trainees)
            bounds = np.searchsorted(rows, np.arange(block.score.shape[0] + 1)).tolist()
        found = block.cache["ineligible"] = BlockIneligible(bounds, trainees, groups, sentences)
    return found


@dataclass
class VacancyRanking:
    """The ranking of one vacancy: its best candidates, who is excluded by which rule, and its near misses."""

    vacancy_id: str
    candidates: list[Candidate]
    eligible_count: int
    ineligible_count: int
    ineligible_by_rule: dict[str, int]
    near_misses: list[NearMiss]
    _block: Block = field(repr=False)
    _row: int = field(repr=False)
    _explainer: Explainer = field(repr=False)

    @property
    def trainee_ids(self) -> list[str]:
        """Return the ids of the run's trainees, by column."""
        return self._explainer.p.trainees.ids

    def failed(self) -> tuple[BlockIneligible, slice]:
        """Return its block's ineligible pairs and the slice of them that are this vacancy's."""
        found = block_ineligible(self._block, self._explainer)
        return found, slice(found.bounds[self._row], found.bounds[self._row + 1])

    def ineligible(self) -> list[dict[str, Any]]:
        """Return every ineligible trainee, in id order, with all of its failed rules."""
        found, mine = self.failed()
        ids, sentences = self.trainee_ids, found.sentences
        return [
            {"trainee_id": ids[t], "reasons": list(sentences[g])}
            for t, g in zip(found.trainees[mine].tolist(), found.groups[mine].tolist(), strict=True)
        ]

    def would_rank(self) -> list[int]:
        """Return, per near miss, the place it would take among the eligible (1 = first) if its rule did not apply."""
        scores = self._block.score[self._row]
        table = self._block.p.tables["tie"]
        tie = table.values[table.inverse[self._block.rows.start + self._row]]
        return [
            int(np.count_nonzero((scores > n.score) | ((scores == n.score) & (tie < tie[n.trainee])))) + 1
            for n in self.near_misses
        ]

    def separations(self) -> list[str | None]:
        """Return, per candidate, what separates it from the next one when their scores are close (None otherwise)."""
        e = self._explainer
        p, row = e.p, self._block.rows.start + self._row
        towns = p.space.towns
        placed = []
        for c in self.candidates:
            column = e.columns[c.trainee_id]
            km = float(towns.distance_km[p.trainees.home[column], p.vacancies.town[row]])
            placed.append(
                Placed(
                    c.score,
                    [c.components[n] for n in NAMES],
                    float(p.trainees.security_years[column]),
                    None if math.isnan(km) else km,
                )
            )
        names = {n: say(f"component_{n}", e.lang) for n in NAMES}
        weights = p.weights[p.vacancies.level[row]]
        return separations(placed, weights, names, e.lang, tie_band=p.config.tie_band, close_gap=p.config.close_gap)

    def failure_counts(self) -> list[tuple[str, int]]:
        """Return how many trainees each hard requirement excludes, commonest first (a trainee counts once per rule)."""
        return self._explainer.failure_counts(self._block, self._row)

    def to_dict(self, *, ineligible: bool = False) -> dict[str, Any]:
        """Return the vacancy in the `rdvm rank` output form (version 2); `ineligible` adds the full list."""
        out = {
            "vacancy_id": self.vacancy_id,
            "candidates": [c.to_dict() for c in self.candidates],
            "eligible_count": self.eligible_count,
            "ineligible_count": self.ineligible_count,
            "ineligible_by_rule": self.ineligible_by_rule,
            "near_misses": [n.to_dict() for n in self.near_misses],
        }
        if ineligible:
            out["ineligible"] = self.ineligible()
        return out


#: Tie places of some (row, column) pairs: a full matrix [row, column], or a function of the pairs' indices.
TieOrder = NDArray[np.integer[Any]] | Callable[[NDArray[np.intp], NDArray[np.intp]], NDArray[np.integer[Any]]]


def top_k(score: NDArray[np.float64], k: int, decimals: int, tie: TieOrder | None = None) -> list[NDArray[np.intp]]:
    """Return, per row, the columns of the k best eligible scores: best first, ties by `tie` (a permutation of the
    columns in each row, 0 first), else by column."""
    rows, cols = score.shape
    k = min(k, cols)
    if k <= 0:
        return [np.empty(0, dtype=np.intp) for _ in range(rows)]
    # Each of k disjoint runs of columns has its best score, so a row's k best pairs all score at least the lowest
    # of those (less one unit of the last decimal, whatever the rounding): only the few pairs above it are sorted.
    # Ineligible pairs (score -1) rank last.
    bound = np.maximum.reduceat(score, np.arange(0, k * (cols // k), cols // k), axis=1).min(axis=1)
    r, c = np.nonzero(score >= np.maximum(bound - 10.0**-decimals, 0.0)[:, None])
    # One unique integer key per pair: higher score first, then the lower tie place (or column = trainee id).
    key = np.rint(score[r, c] * 10**decimals).astype(np.int64) * cols
    key -= c if tie is None else tie(r, c) if callable(tie) else tie[r, c]
    order = np.lexsort((-key, r))
    r, c = r[order], c[order]
    starts, ends = np.searchsorted(r, np.arange(rows)).tolist(), np.searchsorted(r, np.arange(rows), side="right").tolist()
    return [c[start : min(end, start + k)] for start, end in zip(starts, ends, strict=True)]


def rank_prepared(
    p: Prepared, *, top: int, near: int = NEAR, lang: Lang = "fr", pairs: int = BLOCK_PAIRS
) -> Iterator[VacancyRanking]:
    """Yield each vacancy's ranking, block after block, in the vacancies' input order."""
    explainer = Explainer(p, lang)
    for block in score_blocks(p, pairs):
        yield from rank_block(block, explainer, top=top, near=near)


def by_rule(counts: NDArray[np.int64]) -> dict[str, int]:
    """Return the rules that exclude someone and how many they exclude, commonest first, then in FORMAT.md's order."""
    order = sorted(range(len(RULES)), key=lambda r: (-int(counts[r]), r))
    return {RULES[r]: int(counts[r]) for r in order if counts[r] > 0}


def rank_block(block: Block, explainer: Explainer, *, top: int, near: int = NEAR) -> Iterator[VacancyRanking]:
    """Yield the ranking of each vacancy of one scored block."""
    p = block.p
    eligible_counts = block.eligible.sum(axis=1)
    with stage("topk"):
        chosen_rows = top_k(block.score, top, p.config.decimals, block.tie_at)
        near_rows = top_k(block.near, near, p.config.decimals)
    with stage("reasons"), paused_gc():
        candidates = block_candidates(block, explainer, chosen_rows)
        misses = block_near_misses(block, explainer, near_rows)
    for row, listed in enumerate(candidates):
        yield VacancyRanking(
            vacancy_id=p.vacancies.ids[block.rows.start + row],
            candidates=listed,
            eligible_count=int(eligible_counts[row]),
            ineligible_count=int(len(p.trainees) - eligible_counts[row]),
            ineligible_by_rule=by_rule(block.rule_counts[row]),
            near_misses=misses[row],
            _block=block,
            _row=row,
            _explainer=explainer,
        )


def _pairs_of(chosen_rows: Sequence[NDArray[np.intp]]) -> tuple[NDArray[np.intp], NDArray[np.intp], list[int]]:
    """Flatten per-row chosen trainees into (row, trainee) pairs; return them and each row's count."""
    counts = [len(chosen) for chosen in chosen_rows]
    rows = np.repeat(np.arange(len(chosen_rows), dtype=np.intp), counts)
    trainees = np.concatenate([np.empty(0, dtype=np.intp), *chosen_rows]).astype(np.intp, copy=False)
    return rows, trainees, counts


def _per_row(listed: list[Any], counts: list[int]) -> list[list[Any]]:
    """Split a flat list back into one list per row."""
    ends = np.cumsum(counts).tolist()
    return [listed[end - count : end] for end, count in zip(ends, counts, strict=True)]


def block_near_misses(block: Block, explainer: Explainer, chosen_rows: Sequence[NDArray[np.intp]]) -> list[list[NearMiss]]:
    """Return, per row of the block, its chosen near misses with the rule each fails and why."""
    rows, trainees, counts = _pairs_of(chosen_rows)
    failing = np.stack([block.failures.rule_at(name, rows, trainees) for name in RULES], axis=1).reshape(len(rows), len(RULES))
    rules = np.argmax(failing, axis=1).tolist()
    sentences, groups = explainer.failed_groups(block, rows, trainees)
    ids, missing = block.p.trainees.ids, _missing_items(block, rows, trainees)
    listed = [
        NearMiss(trainee_id=ids[t], score=score, rule=RULES[r], reasons=list(sentences[g]), trainee=t, missing=items)
        for t, score, r, g, items in zip(
            trainees.tolist(), block.near[rows, trainees].tolist(), rules, groups.tolist(), missing, strict=True
        )
    ]
    return _per_row(listed, counts)


def _missing_items(block: Block, rows: NDArray[np.intp], trainees: NDArray[np.intp]) -> list[tuple[str, ...]]:
    """Return, per pair, the required certifications and languages it lacks (codes), in column order."""
    space, f = block.p.space, block.failures
    found: list[list[str]] = [[] for _ in range(len(rows))]
    for items, codes in ((f.certifications, space.certifications.values), (f.languages, space.languages.values)):
        for k, failed in items.items():
            for i in np.flatnonzero(failed[rows, trainees]).tolist():
                found[i].append(codes[k])
    return [tuple(x) for x in found]


def block_candidates(block: Block, explainer: Explainer, chosen_rows: Sequence[NDArray[np.intp]]) -> list[list[Candidate]]:
    """Return, per row of the block, its chosen trainees as candidates with components and reasons."""
    rows, trainees, counts = _pairs_of(chosen_rows)
    values = block.pick_pairs(rows, trainees)
    reasons = explainer.block_reasons(block, rows, trainees, values)
    ids = block.p.trainees.ids
    listed = [
        Candidate(trainee_id=ids[t], score=score, components=dict(zip(NAMES, parts, strict=True)), reasons=why)
        for t, score, parts, why in zip(
            trainees.tolist(),
            block.score[rows, trainees].tolist(),
            np.round(values, block.p.config.decimals).tolist(),
            reasons,
            strict=True,
        )
    ]
    return _per_row(listed, counts)


def rank(
    trainees: Sequence[Trainee],
    vacancies: Sequence[Vacancy],
    *,
    top: int = 10,
    near: int = NEAR,
    lang: Lang = "fr",
    config: ScoringConfig | None = None,
) -> list[VacancyRanking]:
    """Rank all trainees for all vacancies (records already validated and normalised)."""
    return list(rank_prepared(prepare(trainees, vacancies, config), top=top, near=near, lang=lang))


def ranking_document(rankings: Sequence[VacancyRanking], *, ineligible: bool = False) -> dict[str, Any]:
    """Return the whole `rdvm rank` JSON document (version 2) for a list of rankings, in memory."""
    return {"format": FORMAT, "vacancies": [r.to_dict(ineligible=ineligible) for r in rankings]}
