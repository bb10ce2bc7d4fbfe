"""The `rdvm bench` workload: time each stage of ranking and planning, and compare with the naive scorer."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching import exchange, naive, synth
from matching.assignment import PlanProblem, add_block, empty_problem, optimal_plan
from matching.explain import Explainer
from matching.ranking import VacancyRanking, rank_block
from matching.scoring import Block, Prepared, prepare, score_block, score_blocks
from matching.timing import stage, stopwatch

#: trainees, vacancies, seats per vacancy (None: as generated), whether to plan.
SIZES: dict[str, tuple[int, int, int | None, bool]] = {
    "S": (1_000, 200, None, True),
    "M": (10_000, 2_000, 3, True),
    "L": (50_000, 5_000, None, False),
}
TOP = 50
NAIVE_VACANCIES, NAIVE_TRAINEES = 10, 400
#: The places of each list the quality figures read (a recruiter reads the first five).
QUALITY_TOP = 5
#: The most listed trainees whose share of those places the figures give.
QUALITY_MOST_LISTED = 10
#: `rdvm learn`'s workload: outcomes, over pairs of this many trainees and vacancies.
LEARN_OUTCOMES, LEARN_TRAINEES, LEARN_VACANCIES = 10_000, 2_000, 500


def _generate_files(folder: str, trainees: int, vacancies: int, seats: int | None, seed: int) -> None:
    t, v = synth.generate(trainees=trainees, vacancies=vacancies, seed=seed, seats=seats)
    out = Path(folder)
    (out / "trainees.json").write_text(json.dumps({"trainees": t}, ensure_ascii=False), "utf-8")
    (out / "vacancies.json").write_text(json.dumps({"vacancies": v}, ensure_ascii=False), "utf-8")


def known_rule_outcomes(trainees: list[Any], vacancies: list[Any], n: int, seed: int) -> list[dict[str, Any]]:
    """Return n outcomes of distinct eligible pairs, lasting with chance σ(4·proximity + 3·level − 4) (nothing else counts)."""
    from matching.components import NAMES
    from matching.learning import pair_components, pair_eligible
    from matching.scoring import prepare

    p, rng = prepare(trainees, vacancies), np.random.default_rng(seed)
    every = np.arange(len(trainees) * len(vacancies))
    rows, cols = (every // len(trainees)).astype(np.intp), (every % len(trainees)).astype(np.intp)
    eligible = np.flatnonzero(pair_eligible(p, rows, cols))
    chosen = np.sort(rng.choice(eligible, size=min(n, len(eligible)), replace=False))
    x = pair_components(p, rows[chosen], cols[chosen])
    chance = 1 / (1 + np.exp(-(4 * x[:, NAMES.index("proximity")] + 3 * x[:, NAMES.index("level")] - 4)))
    lasted = rng.random(len(chosen)) < chance
    return [
        {"trainee_id": p.trainees.ids[c], "vacancy_id": p.vacancies.ids[r], "outcome": int(o)}
        for r, c, o in zip(rows[chosen], cols[chosen], lasted, strict=True)
    ]


def outcome_files(folder: str, seed: int, size: tuple[int, int, int]) -> None:
    """Write a learning workload: trainees, vacancies and (outcomes, trainees, vacancies) `size` known-rule outcomes."""
    out, (n_outcomes, n_trainees, n_vacancies) = Path(folder), size
    _generate_files(folder, n_trainees, n_vacancies, None, seed)
    trainees = exchange.load(out / "trainees.json", "trainees").records
    vacancies = exchange.load(out / "vacancies.json", "vacancies").records
    rows = known_rule_outcomes(trainees, vacancies, n_outcomes, seed)
    (out / "outcomes.json").write_text(json.dumps({"outcomes": rows}), "utf-8")


def learn_end_to_end(seed: int, size: tuple[int, int, int] = (LEARN_OUTCOMES, LEARN_TRAINEES, LEARN_VACANCIES)) -> dict[str, Any]:
    """Run `rdvm learn --json` on synthetic outcomes (outcomes, trainees, vacancies) as a separate process; return its figures."""
    with tempfile.TemporaryDirectory(prefix="rdvm-bench-learn-") as folder:
        child = multiprocessing.get_context("spawn").Process(target=outcome_files, args=(folder, seed, size))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError("generating the outcomes failed")
        command = [sys.executable, "-m", "web.cli", "learn", "trainees.json", "vacancies.json", "outcomes.json", "--json", "-q"]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"rdvm learn exited with status {done.returncode}: {done.stderr[-500:]}")
    result = json.loads(done.stdout)
    return {
        "learn_outcomes": result["n"],
        "learn_command_seconds": round(seconds, 3),
        "learn_baseline_auc": result["baseline"]["auc"],
        "learn_learned_auc": result["learned"]["auc"],
        "learn_adopted": result["adopted"],
    }


class Quality:
    """What a recruiter reading the first places of every list would notice, gathered block after block.

    The share of guard posts' first places held by people who declared they want another level, how far
    the people in first places live from the site against every eligible trainee, and how concentrated the
    first places are on a few trainees.
    """

    def __init__(self, p: Prepared) -> None:
        self.p = p
        records = p.trainees.records
        self.declared = np.array([bool(t.preferred_levels) for t in records])
        self.distance = p.space.towns.distance_km
        self.columns = {tid: i for i, tid in enumerate(p.trainees.ids)}
        self.top_vacancies: list[int] = []
        self.top_trainees: list[int] = []
        self.eligible_km: list[NDArray[np.float32]] = []

    def add_block(self, block: Block) -> None:
        """Keep the distances of the block's eligible pairs (to the tenth of a km)."""
        rows, trainees = np.nonzero(block.eligible)
        km = self.distance[self.p.trainees.home[trainees], self.p.vacancies.town[block.rows.start + rows]]
        self.eligible_km.append(km[~np.isnan(km)].astype(np.float32))

    def add_ranking(self, row: int, ranking: VacancyRanking) -> None:
        """Keep the trainees of a vacancy's first places (`row`: the vacancy's place in the run)."""
        for c in ranking.candidates[:QUALITY_TOP]:
            self.top_vacancies.append(row)
            self.top_trainees.append(self.columns[c.trainee_id])

    def figures(self) -> dict[str, Any]:
        """Return the quality figures of the whole run."""
        p, vs, ts = self.p, np.array(self.top_vacancies, dtype=np.intp), np.array(self.top_trainees, dtype=np.intp)
        guard = p.vacancies.level[vs] == 0
        other = self.declared[ts] & ~p.trainees.preferred_levels[ts, p.vacancies.level[vs]]
        km = self.distance[p.trainees.home[ts], p.vacancies.town[vs]]
        counts = np.sort(np.bincount(ts, minlength=len(p.trainees)))[::-1]
        every = np.concatenate([np.empty(0, dtype=np.float32), *self.eligible_km])
        return {
            "top5_guard_places_other_level_share": round(float(other[guard].mean()) if guard.any() else 0.0, 3),
            "top5_median_km": round(float(np.nanmedian(km)) if len(km) else 0.0, 1),
            "eligible_median_km": round(float(np.median(every)) if len(every) else 0.0, 1),
            "top5_places_of_10_most_listed_share": round(float(counts[:QUALITY_MOST_LISTED].sum() / max(len(ts), 1)), 3),
        }


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def end_to_end(folder: str, *options: str) -> dict[str, float]:
    """Run `rdvm rank --top 50` as a user does (a new process, files in, document out); return its figures.

    Seconds from start to exit (start-up, imports, reading, ranking, the last byte written), the document's
    size and the child's own peak RSS (`wait4` gives the rusage of that one child).
    """
    out = Path(folder) / "ranking.json"
    command = [sys.executable, "-m", "web.cli", "rank", "trainees.json", "vacancies.json", "--top", str(TOP), "-q", *options]
    start = time.perf_counter()
    with out.open("wb") as sink:
        child = subprocess.Popen(command, cwd=folder, stdout=sink, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"rdvm rank {' '.join(options)} exited with status {child.returncode}")
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    size = out.stat().st_size
    out.unlink()
    return {"seconds": round(seconds, 3), "output_mb": round(size / 1e6, 1), "peak_rss_mb": round(peak, 1)}


def naive_comparison(p: Prepared, seed: int) -> tuple[float, float, int]:
    """Score a subsample with the naive scorer; return its seconds per pair, the largest gap, pairs."""
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(0, max(1, len(p.vacancies) - NAIVE_VACANCIES + 1)))
    block = slice(rows, min(rows + NAIVE_VACANCIES, len(p.vacancies)))
    columns = np.sort(rng.choice(len(p.trainees), size=min(NAIVE_TRAINEES, len(p.trainees)), replace=False))
    fast = score_block(p, block).score[:, columns]
    start = time.perf_counter()
    slow = np.array(
        [
            [naive.score(p, p.vacancies.records[r], p.trainees.records[c], naive.vacancy_term_weights(p, r)) for c in columns]
            for r in range(block.start, block.stop)
        ]
    )
    seconds = time.perf_counter() - start
    slow = np.where(slow < 0, -1.0, slow)
    gap = float(np.max(np.abs(slow - fast))) if slow.size else 0.0
    return seconds / max(slow.size, 1), gap, int(slow.size)


def run_benchmark(
    size: str, *, seed: int = 7, ineligible: bool = False, log: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Run the benchmark of one size and return its figures (`ineligible`: also time `rank --ineligible all`)."""
    n_trainees, n_vacancies, seats, do_plan = SIZES[size]
    with tempfile.TemporaryDirectory(prefix="rdvm-bench-") as folder:
        log(f"generating {n_trainees:,} trainees × {n_vacancies:,} vacancies (seed {seed}) …")
        child = multiprocessing.get_context("spawn").Process(
            target=_generate_files, args=(folder, n_trainees, n_vacancies, seats, seed)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise RuntimeError("generating the workload failed")
        gc.collect()
        log("ranking …")
        start = time.perf_counter()
        with stopwatch() as seconds:
            with stage("load_normalise"):
                trainees = exchange.load(Path(folder) / "trainees.json", "trainees")
                vacancies = exchange.load(Path(folder) / "vacancies.json", "vacancies")
            prepared = prepare(trainees.records, vacancies.records)
            candidates = 0
            explainer = Explainer(prepared)
            problem = empty_problem(prepared) if do_plan else None
            quality = Quality(prepared)
            for block in score_blocks(prepared):
                for row, ranking in enumerate(rank_block(block, explainer, top=TOP), start=block.rows.start):
                    with stage("output"):
                        candidates += len(ranking.to_dict()["candidates"])
                    with stage("quality"):
                        quality.add_ranking(row, ranking)
                with stage("quality"):
                    quality.add_block(block)
                if problem is not None:
                    with stage("plan_collect"):
                        add_block(problem, block)
        rank_seconds = time.perf_counter() - start
        log(f"rdvm rank --top {TOP} as a separate process …")
        command = {f"command_{k}": v for k, v in end_to_end(folder).items()}
        if ineligible:
            log(f"rdvm rank --top {TOP} --ineligible all as a separate process …")
            command.update({f"command_ineligible_all_{k}": v for k, v in end_to_end(folder, "--ineligible", "all").items()})
    figures: dict[str, Any] = {
        "size": size,
        "trainees": len(prepared.trainees),
        "vacancies": len(prepared.vacancies),
        "seats": int(prepared.vacancies.seats.sum()),
        "pairs": len(prepared.trainees) * len(prepared.vacancies),
        "top": TOP,
        "candidates_listed": candidates,
        "rank_seconds": round(rank_seconds, 3),
        **command,
    }
    collect = seconds.pop("plan_collect", 0.0)  # copying scores for the plan is not ranking work
    looked = seconds.pop("quality", 0.0)  # nor is reading the lists for the quality figures
    figures.update({"rank_seconds": round(rank_seconds - collect - looked, 3), "plan_collect_seconds": round(collect, 3)})
    figures.update(quality.figures())
    figures.update({f"{name}_seconds": round(value, 3) for name, value in seconds.items()})
    figures.update(_plan_figures(problem, log))
    log("naive comparison …")
    per_pair, gap, pairs = naive_comparison(prepared, seed)
    vector_per_pair = (seconds["constraints"] + seconds["text"] + seconds["scoring"]) / figures["pairs"]
    figures.update(
        {
            "naive_pairs": pairs,
            "naive_us_per_pair": round(per_pair * 1e6, 2),
            "vector_us_per_pair": round(vector_per_pair * 1e6, 4),
            "naive_max_score_gap": gap,
            "naive_speedup": round(per_pair / vector_per_pair, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
    )
    log(f"rdvm learn on {LEARN_OUTCOMES:,} synthetic outcomes as a separate process …")
    figures.update(learn_end_to_end(seed))
    return figures


def _plan_figures(problem: PlanProblem | None, log: Callable[[str], None]) -> dict[str, Any]:
    if problem is None:
        return {"plan_seconds": None}
    log("planning (optimal) …")
    start = time.perf_counter()
    plan = optimal_plan(problem)
    seconds = time.perf_counter() - start
    return {
        "plan_seconds": round(seconds, 3),
        "plan_assignments": len(plan.pairs),
        "plan_total_score": plan.to_dict()["total_score"],
    }
