"""Fill vacancies' seats with trainees: an optimal plan, a stable plan, and a greedy baseline.

Every plan uses eligible pairs only, gives each trainee at most one vacancy and each vacancy at
most its seats. Scores are integers (the published score × 10^decimals), so totals are exact and
ties are broken the same way every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from matching.config import ScoringConfig
from matching.models import Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, Block, Prepared, prepare, score_blocks

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
    blocks: list[tuple[Ints, Ints, Ints]] = field(default_factory=list, repr=False)  # (vacancy, trainee, points) by block

    @property
    def eligible(self) -> NDArray[np.bool_]:
        """Return the eligible pairs."""
        return self.points >= 0

    def edge_blocks(self) -> list[tuple[Ints, Ints, Ints]]:
        """Return the eligible pairs as (vacancy, trainee, points) arrays, one triple per scored block."""
        if self.blocks:
            return self.blocks
        v, t = np.nonzero(self.eligible)
        return [(v.astype(np.int64), t.astype(np.int64), self.points[v, t].astype(np.int64))]


def empty_problem(p: Prepared) -> PlanProblem:
    """Return a planning problem for a prepared run, its scores still to be added block by block."""
    shape = (len(p.vacancies), len(p.trainees))
    return PlanProblem(
        p.vacancies.ids,
        p.trainees.ids,
        p.vacancies.seats,
        np.full(shape, -1, dtype=np.int32),
        np.zeros(shape, dtype=bool),
        10**p.config.decimals,
    )


def add_block(problem: PlanProblem, block: Block) -> None:
    """Copy a scored block's scores and declared-preference fits into the problem."""
    problem.points[block.rows] = np.maximum(np.rint(block.score * problem.scale), -1).astype(np.int32)
    problem.declared[block.rows] = (block.component("level") == 1.0) & (block.component("shift") == 1.0)
    v, t = np.nonzero(block.eligible)
    points = problem.points[block.rows][v, t].astype(np.int64)
    problem.blocks.append(((v + block.rows.start).astype(np.int64), t.astype(np.int64), points))


def plan_problem(p: Prepared, pairs: int = BLOCK_PAIRS) -> PlanProblem:
    """Score every pair of a prepared run into a planning problem."""
    problem = empty_problem(p)
    for block in score_blocks(p, pairs):
        add_block(problem, block)
    return problem


def without_pairs(problem: PlanProblem, barred: NDArray[np.bool_]) -> PlanProblem:
    """Return the problem with some pairs made ineligible ([vacancy, trainee] mask): pairs that cannot be planned."""
    points = np.where(barred, np.int32(-1), problem.points).astype(np.int32)
    return PlanProblem(problem.vacancy_ids, problem.trainee_ids, problem.seats, points, problem.declared, problem.scale)


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
        pairs = sorted(self.pairs, key=lambda vt: (pr.vacancy_ids[vt[0]], pr.trainee_ids[vt[1]]))
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
                for vid, v in sorted((vid, v) for v, vid in enumerate(pr.vacancy_ids))
                if filled[v] < pr.seats[v]
            ],
            "unplaced": [tid for t, tid in enumerate(pr.trainee_ids) if t not in placed],
        }


def optimal_plan(problem: PlanProblem) -> Plan:
    """Return a plan of maximal total score: a min-cost flow source → vacancies (seats) → trainees → sink.

    A free arc from source to sink lets seats stay empty, so only pairs that add score are used. Pair arcs
    are added block by block, as scored, without assembling one large array.
    """
    blocks = [b for b in problem.edge_blocks() if len(b[0])]
    if not blocks:
        return Plan("optimal", [], problem)
    n_vac, n_tr = problem.points.shape
    source, sink = 0, n_vac + n_tr + 1
    seats = np.minimum(problem.seats, n_tr).astype(np.int64)
    total = int(seats.sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    # Vacancy nodes are numbered in id order (trainee columns already are), so that among equally good plans
    # the solver picks the same one whatever order the records came in.
    vacancy_node = 1 + np.argsort(np.argsort(np.array(problem.vacancy_ids, dtype=object))).astype(np.int64)
    trainee_nodes = 1 + n_vac + np.arange(n_tr)
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n_vac, source), vacancy_node, seats, np.zeros(n_vac, np.int64))
    pair_arcs = [
        flow.add_arcs_with_capacity_and_unit_cost(vacancy_node[v], 1 + n_vac + t, np.ones(len(v), np.int64), -w)
        for v, t, w in blocks
    ]
    flow.add_arcs_with_capacity_and_unit_cost(
        trainee_nodes, np.full(n_tr, sink), np.ones(n_tr, np.int64), np.zeros(n_tr, np.int64)
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the min-cost flow solver found no optimal plan")
    pairs: list[tuple[int, int]] = []
    for (v, t, _w), arcs in zip(blocks, pair_arcs, strict=True):
        used = flow.flows(arcs) > 0
        pairs += zip(v[used].tolist(), t[used].tolist(), strict=True)
    return Plan("optimal", pairs, problem)


class _Preferences:
    """Trainees' preference lists over vacancies, computed a chunk at a time (most need only a few)."""

    def __init__(self, problem: PlanProblem) -> None:
        n_vac = len(problem.vacancy_ids)
        id_rank = np.argsort(np.argsort(np.array(problem.vacancy_ids)))
        scale = problem.scale + 1
        key = (problem.declared.astype(np.int64) * scale + problem.points) * n_vac + (n_vac - 1 - id_rank)[:, None]
        self.key = np.where(problem.eligible, key, -1).T.copy()  # [trainee, vacancy]
        self.count = problem.eligible.sum(axis=0)
        self.lists = np.full((len(problem.trainee_ids), 0), -1, dtype=np.int64)

    def next_choices(self, trainees: Ints, positions: Ints) -> Ints:
        """Return each trainee's choice at a position of its list (positions are within `count`)."""
        short = positions >= self.lists.shape[1]
        if short.any():
            self._grow(max(8, 2 * self.lists.shape[1]))
        return self.lists[trainees, positions]

    def _grow(self, width: int) -> None:
        width = min(width, self.key.shape[1])
        part = (
            np.argpartition(-self.key, width - 1, axis=1)[:, :width]
            if width < self.key.shape[1]
            else np.tile(np.arange(width), (self.key.shape[0], 1))
        )
        order = np.argsort(-np.take_along_axis(self.key, part, axis=1), axis=1, kind="stable")
        self.lists = np.take_along_axis(part, order, axis=1)


def stable_plan(problem: PlanProblem) -> Plan:
    """Return the trainee-proposing deferred-acceptance plan (stable: no blocking pair).

    Free trainees propose in rounds, all at once; each vacancy keeps its best proposers up to its
    seats (higher score, then lower trainee id). The outcome does not depend on proposal order.
    """
    n_tr = len(problem.trainee_ids)
    prefs = _Preferences(problem)
    assigned = np.full(n_tr, -1, dtype=np.int64)
    position = np.zeros(n_tr, dtype=np.int64)
    while True:
        free = np.flatnonzero((assigned < 0) & (position < prefs.count))
        if len(free) == 0:
            break
        proposed = prefs.next_choices(free, position[free])
        position[free] += 1
        holders = np.flatnonzero(np.isin(assigned, proposed))
        trainees = np.concatenate([holders, free])
        vacancies = np.concatenate([assigned[holders], proposed])
        merit = problem.points[vacancies, trainees].astype(np.int64) * n_tr + (n_tr - 1 - trainees)
        order = np.lexsort((-merit, vacancies))
        ranked_v = vacancies[order]
        starts = np.searchsorted(ranked_v, ranked_v, side="left")
        keep = np.arange(len(order)) - starts < problem.seats[ranked_v]
        assigned[trainees[order]] = np.where(keep, ranked_v, -1)
    placed = np.flatnonzero(assigned >= 0)
    return Plan("stable", list(zip(assigned[placed].tolist(), placed.tolist(), strict=True)), problem)


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
