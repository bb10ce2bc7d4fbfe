"""Fill vacancies' seats with trainees: an optimal plan, a stable plan, and a greedy baseline.

Every plan uses eligible pairs only, gives each trainee at most one vacancy and each vacancy at
most its seats. Scores are integers (the published score × 10^decimals), so totals are exact and
ties are broken the same way every time.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from matching.config import ScoringConfig
from matching.models import Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, Prepared, prepare, score_blocks

Method = Literal["optimal", "stable", "greedy"]
Ints = NDArray[np.int64]


@dataclass
class PlanProblem:
    """Scores of every pair (−1 when ineligible) and what the stable method needs besides."""

    vacancy_ids: list[str]
    trainee_ids: list[str]  # sorted: column order is id order
    seats: Ints
    points: NDArray[np.int32]  # [vacancy, trainee] score × 10^decimals, −1 when ineligible
    declared: NDArray[np.bool_]  # [vacancy, trainee] the vacancy fits the trainee's declared preferences
    scale: int

    @property
    def eligible(self) -> NDArray[np.bool_]:
        """Return the eligible pairs."""
        return self.points >= 0


def plan_problem(p: Prepared, pairs: int = BLOCK_PAIRS) -> PlanProblem:
    """Score every pair of a prepared run into a planning problem."""
    scale = 10**p.config.decimals
    shape = (len(p.vacancies), len(p.trainees))
    points = np.empty(shape, dtype=np.int32)
    declared = np.empty(shape, dtype=bool)
    for block in score_blocks(p, pairs):
        points[block.rows] = np.rint(block.score * scale).astype(np.int32)
        declared[block.rows] = (block.component("level") == 1.0) & (block.component("shift") == 1.0)
    points[points < 0] = -1
    return PlanProblem(p.vacancies.ids, p.trainees.ids, p.vacancies.seats, points, declared, scale)


@dataclass
class Plan:
    """Assignments of trainees to vacancies, with what stays open."""

    method: str
    pairs: list[tuple[int, int]]  # (vacancy index, trainee index)
    problem: PlanProblem

    @property
    def total_points(self) -> int:
        """Return the sum of the assigned pairs' integer scores."""
        return int(sum(int(self.problem.points[v, t]) for v, t in self.pairs))

    def to_dict(self) -> dict[str, Any]:
        """Return the plan in the `rdvm plan` output form."""
        pr = self.problem
        pairs = sorted(self.pairs, key=lambda vt: (vt[0], pr.trainee_ids[vt[1]]))
        filled = np.bincount([v for v, _ in pairs], minlength=len(pr.vacancy_ids))
        placed = {t for _, t in pairs}
        decimals = len(str(pr.scale)) - 1
        return {
            "method": self.method,
            "total_score": round(self.total_points / pr.scale, decimals),
            "assignments": [
                {
                    "vacancy_id": pr.vacancy_ids[v],
                    "trainee_id": pr.trainee_ids[t],
                    "score": round(int(pr.points[v, t]) / pr.scale, decimals),
                }
                for v, t in pairs
            ],
            "unfilled": [
                {"vacancy_id": vid, "seats": int(pr.seats[v] - filled[v])}
                for v, vid in enumerate(pr.vacancy_ids)
                if filled[v] < pr.seats[v]
            ],
            "unplaced": [tid for t, tid in enumerate(pr.trainee_ids) if t not in placed],
        }


def optimal_plan(problem: PlanProblem) -> Plan:
    """Return a plan of maximal total score (seats expanded into rows of an assignment problem)."""
    eligible = problem.eligible
    vac = np.flatnonzero(eligible.any(axis=1))
    cols = np.flatnonzero(eligible.any(axis=0))
    if len(vac) == 0:
        return Plan("optimal", [], problem)
    rows_per_vacancy = np.minimum(problem.seats[vac], eligible[vac].sum(axis=1))
    row_vacancy = np.repeat(vac, rows_per_vacancy)
    # An ineligible pair gains 0, exactly like leaving the seat empty, and is dropped afterwards.
    gain = np.maximum(problem.points[np.ix_(row_vacancy, cols)], 0).astype(np.float64)
    r, c = linear_sum_assignment(gain, maximize=True)
    pairs = [(int(row_vacancy[i]), int(cols[j])) for i, j in zip(r, c, strict=True) if eligible[row_vacancy[i], cols[j]]]
    return Plan("optimal", pairs, problem)


def _trainee_preferences(problem: PlanProblem, t: int) -> list[int]:
    """Return the vacancies a trainee accepts, best first: declared preferences, score, then id."""
    acceptable = np.flatnonzero(problem.eligible[:, t])
    ids = np.array([problem.vacancy_ids[v] for v in acceptable])
    order = np.lexsort((ids, -problem.points[acceptable, t], ~problem.declared[acceptable, t]))
    return [int(v) for v in acceptable[order]]


def stable_plan(problem: PlanProblem) -> Plan:
    """Return the trainee-proposing deferred-acceptance plan (stable: no blocking pair)."""
    n_trainees = len(problem.trainee_ids)
    preferences = [_trainee_preferences(problem, t) for t in range(n_trainees)]
    next_choice = [0] * n_trainees
    held: list[list[tuple[int, int]]] = [[] for _ in problem.vacancy_ids]  # min-heaps of (points, -trainee)
    free = list(range(n_trainees - 1, -1, -1))
    while free:
        t = free.pop()
        if next_choice[t] >= len(preferences[t]):
            continue
        v = preferences[t][next_choice[t]]
        next_choice[t] += 1
        entry = (int(problem.points[v, t]), -t)  # a vacancy prefers a higher score, then a lower id
        if len(held[v]) < problem.seats[v]:
            heapq.heappush(held[v], entry)
        elif entry > held[v][0]:
            free.append(-heapq.heapreplace(held[v], entry)[1])
        else:
            free.append(t)
    return Plan("stable", [(v, -t) for v, heap in enumerate(held) for _, t in heap], problem)


def greedy_plan(problem: PlanProblem) -> Plan:
    """Return the plan that takes the best remaining eligible pair first (a baseline)."""
    v_idx, t_idx = np.nonzero(problem.eligible)
    order = np.lexsort((t_idx, v_idx, -problem.points[v_idx, t_idx]))
    free_seats = problem.seats.copy()
    placed: set[int] = set()
    pairs = []
    for v, t in zip(v_idx[order].tolist(), t_idx[order].tolist(), strict=True):
        if free_seats[v] > 0 and t not in placed:
            pairs.append((v, t))
            free_seats[v] -= 1
            placed.add(t)
    return Plan("greedy", pairs, problem)


SOLVERS = {"optimal": optimal_plan, "stable": stable_plan, "greedy": greedy_plan}


def plan(
    trainees: Sequence[Trainee],
    vacancies: Sequence[Vacancy],
    *,
    method: Method = "optimal",
    config: ScoringConfig | None = None,
) -> Plan:
    """Plan placements for validated, normalised records with the chosen method."""
    return SOLVERS[method](plan_problem(prepare(trainees, vacancies, config)))
