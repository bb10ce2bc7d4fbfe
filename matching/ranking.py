"""Rank every trainee for every vacancy: top-k eligible candidates with components and reasons."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.components import NAMES
from matching.config import ScoringConfig
from matching.explain import Explainer
from matching.gcpause import paused_gc
from matching.messages import Lang
from matching.models import Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, Block, Prepared, prepare, score_blocks
from matching.timing import stage


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
class VacancyRanking:
    """The ranking of one vacancy: its best candidates and every ineligible trainee."""

    vacancy_id: str
    candidates: list[Candidate]
    eligible_count: int
    ineligible_count: int
    _block: Block = field(repr=False)
    _row: int = field(repr=False)
    _explainer: Explainer = field(repr=False)

    def ineligible(self) -> list[dict[str, Any]]:
        """Return every ineligible trainee, in id order, with all of its failed rules."""
        trainees = self._explainer.p.trainees
        return [
            {"trainee_id": trainees.ids[i], "reasons": self._explainer.failed_rules(self._block, self._row, int(i))}
            for i in np.flatnonzero(~self._block.eligible[self._row])
        ]

    def failure_counts(self) -> list[tuple[str, int]]:
        """Return how many trainees each hard requirement excludes, commonest first (a trainee counts once per rule)."""
        return self._explainer.failure_counts(self._block, self._row)

    def to_dict(self) -> dict[str, Any]:
        """Return the vacancy in the `rdvm rank` output form."""
        return {
            "vacancy_id": self.vacancy_id,
            "candidates": [c.to_dict() for c in self.candidates],
            "ineligible": self.ineligible(),
        }


def top_k(score: NDArray[np.float64], k: int, decimals: int) -> list[NDArray[np.intp]]:
    """Return, per row, the columns of the k best eligible scores: best first, ties by column."""
    rows, cols = score.shape
    k = min(k, cols)
    if k <= 0:
        return [np.empty(0, dtype=np.intp) for _ in range(rows)]
    # One unique integer key per pair: higher score first, then lower column (= lower trainee id).
    key = np.rint(score * 10**decimals).astype(np.int64) * cols - np.arange(cols, dtype=np.int64)[None, :]
    # Each of k disjoint sets of columns has its largest key, so a row's k largest keys are all at least the
    # smallest of those: only the few pairs above it need sorting. Ineligible pairs (score -1) rank last.
    bound = key[:, : cols - cols % k].reshape(rows, cols // k, k).max(axis=1).min(axis=1)
    r, c = np.nonzero((key >= bound[:, None]) & (score >= 0))
    order = np.lexsort((-key[r, c], r))
    r, c = r[order], c[order]
    starts, ends = np.searchsorted(r, np.arange(rows)).tolist(), np.searchsorted(r, np.arange(rows), side="right").tolist()
    return [c[start : min(end, start + k)] for start, end in zip(starts, ends, strict=True)]


def rank_prepared(p: Prepared, *, top: int, lang: Lang = "fr", pairs: int = BLOCK_PAIRS) -> Iterator[VacancyRanking]:
    """Yield each vacancy's ranking, block after block, in the vacancies' input order."""
    explainer = Explainer(p, lang)
    for block in score_blocks(p, pairs):
        yield from rank_block(block, explainer, top=top)


def rank_block(block: Block, explainer: Explainer, *, top: int) -> Iterator[VacancyRanking]:
    """Yield the ranking of each vacancy of one scored block."""
    p = block.p
    eligible_counts = block.eligible.sum(axis=1)
    with stage("topk"):
        chosen_rows = top_k(block.score, top, p.config.decimals)
    with stage("reasons"), paused_gc():
        candidates = block_candidates(block, explainer, chosen_rows)
    for row, listed in enumerate(candidates):
        yield VacancyRanking(
            vacancy_id=p.vacancies.ids[block.rows.start + row],
            candidates=listed,
            eligible_count=int(eligible_counts[row]),
            ineligible_count=int(len(p.trainees) - eligible_counts[row]),
            _block=block,
            _row=row,
            _explainer=explainer,
        )


def block_candidates(block: Block, explainer: Explainer, chosen_rows: Sequence[NDArray[np.intp]]) -> list[list[Candidate]]:
    """Return, per row of the block, its chosen trainees as candidates with components and reasons."""
    counts = [len(chosen) for chosen in chosen_rows]
    rows = np.repeat(np.arange(len(chosen_rows), dtype=np.intp), counts)
    trainees = np.concatenate([np.empty(0, dtype=np.intp), *chosen_rows]).astype(np.intp, copy=False)
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
    ends = np.cumsum(counts).tolist()
    return [listed[end - count : end] for end, count in zip(ends, counts, strict=True)]


def rank(
    trainees: Sequence[Trainee],
    vacancies: Sequence[Vacancy],
    *,
    top: int = 10,
    lang: Lang = "fr",
    config: ScoringConfig | None = None,
) -> list[VacancyRanking]:
    """Rank all trainees for all vacancies (records already validated and normalised)."""
    return list(rank_prepared(prepare(trainees, vacancies, config), top=top, lang=lang))


def ranking_document(rankings: Sequence[VacancyRanking]) -> dict[str, Any]:
    """Return the whole `rdvm rank` JSON document for a list of rankings."""
    return {"vacancies": [r.to_dict() for r in rankings]}
