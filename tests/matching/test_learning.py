"""Learning component weights from outcomes: recovers a known rule, refuses noise and small samples."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from matching import synth
from matching.components import NAMES
from matching.config import DEFAULT_WEIGHTS
from matching.exchange import parse_text
from matching.learning import Outcome, learn, learn_matrix, outcome_matrix, pair_components
from matching.models import Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, prepare, score_block


@cache
def workload() -> tuple[list[Trainee], list[Vacancy]]:
    """A synthetic programme: 300 trainees, 60 vacancies, read as a user's files are."""
    t, v = synth.generate(trainees=300, vacancies=60, seed=11)
    trainees = parse_text(synth.json_text(t, "trainees"), kind="trainees", source="t", fmt="json").records
    vacancies = parse_text(synth.json_text(v, "vacancies"), kind="vacancies", source="v", fmt="json").records
    return trainees, vacancies


def random_pairs(n: int, seed: int) -> list[tuple[str, str]]:
    """Return n distinct (trainee id, vacancy id) pairs drawn at random."""
    trainees, vacancies = workload()
    rng = np.random.default_rng(seed)
    flat = rng.choice(len(trainees) * len(vacancies), size=n, replace=False)
    return [(trainees[i % len(trainees)].id, vacancies[i // len(trainees)].id) for i in flat]


def outcomes_by(rule: np.ndarray, pairs: list[tuple[str, str]]) -> list[Outcome]:
    """Return the pairs' outcomes as given by one 0/1 per pair."""
    return [Outcome(trainee_id=t, vacancy_id=v, outcome=int(o)) for (t, v), o in zip(pairs, rule, strict=True)]


def test_pair_components_are_the_blocks_components() -> None:
    trainees, vacancies = workload()
    p = prepare(trainees, vacancies)
    rng = np.random.default_rng(3)
    rows = rng.integers(0, len(vacancies), 500).astype(np.intp)
    cols = rng.integers(0, len(trainees), 500).astype(np.intp)
    block = score_block(p, slice(0, len(vacancies)))
    assert np.allclose(pair_components(p, rows, cols), block.pick_pairs(rows, cols))


def test_pair_components_in_several_row_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    trainees, vacancies = workload()
    p = prepare(trainees, vacancies)
    rows = np.array([5, 59, 0, 5, 31], dtype=np.intp)
    cols = np.array([1, 2, 3, 299, 7], dtype=np.intp)
    whole = pair_components(p, rows, cols)
    monkeypatch.setattr("matching.learning.BLOCK_PAIRS", len(trainees) * 2)  # two vacancies a chunk
    assert BLOCK_PAIRS > len(trainees) * 2
    assert np.array_equal(pair_components(p, rows, cols), whole)


class TestKnownRule:
    """Outcomes that depend on proximity and level fit only."""

    def result(self) -> tuple[dict[str, float], float | None, float | None, bool, str]:
        trainees, vacancies = workload()
        pairs = random_pairs(2000, seed=5)
        x, _ = outcome_matrix(trainees, vacancies, outcomes_by(np.zeros(len(pairs)), pairs))
        near, level = x[:, NAMES.index("proximity")], x[:, NAMES.index("level")]
        chance = 1 / (1 + np.exp(-(4 * near + 3 * level - 4)))
        rule = np.random.default_rng(8).random(len(pairs)) < chance
        found = learn(trainees, vacancies, outcomes_by(rule, pairs))
        return found.weights, found.baseline_auc, found.learned_auc, found.adopted, found.reason

    def test_recovers_the_dominant_components_and_adopts(self) -> None:
        weights, baseline, learned, adopted, reason = self.result()
        top_two = sorted(weights, key=weights.__getitem__, reverse=True)[:2]
        assert set(top_two) == {"proximity", "level"}
        assert weights["proximity"] + weights["level"] > 0.7
        assert weights["proximity"] > weights["level"]
        assert adopted and baseline is not None and learned is not None and learned >= baseline + 0.02
        assert reason.startswith("learned AUC")

    def test_weights_are_a_weighted_mean(self) -> None:
        weights = self.result()[0]
        assert list(weights) == list(NAMES)
        assert all(w >= 0 for w in weights.values()) and sum(weights.values()) == pytest.approx(1.0, abs=1e-9)


def test_random_outcomes_are_not_adopted() -> None:
    trainees, vacancies = workload()
    pairs = random_pairs(1000, seed=6)
    noise = np.random.default_rng(9).random(len(pairs)) < 0.4
    found = learn(trainees, vacancies, outcomes_by(noise, pairs))
    assert not found.adopted
    assert found.reason.startswith("no gain: learned AUC")
    assert found.weights == pytest.approx(dict(DEFAULT_WEIGHTS), abs=1e-4)
    assert found.to_dict()["learned"]["auc"] < found.to_dict()["baseline"]["auc"] + 0.02


def test_twenty_outcomes_are_too_few_and_nothing_is_fitted() -> None:
    trainees, vacancies = workload()
    pairs = random_pairs(20, seed=7)
    found = learn(trainees, vacancies, outcomes_by(np.arange(20) % 2, pairs))
    assert found.to_dict() == {
        "n": 20,
        "weights": pytest.approx(dict(DEFAULT_WEIGHTS), abs=1e-4),
        "baseline": {"auc": found.baseline_auc},
        "learned": {"auc": None},
        "adopted": False,
        "reason": "too few outcomes (20 < 200)",
    }
    assert found.fitted is None


def test_outcomes_all_alike_teach_nothing() -> None:
    x = np.random.default_rng(1).random((300, len(NAMES)))
    found = learn_matrix(x, np.ones(300, dtype=np.int8), DEFAULT_WEIGHTS)
    assert not found.adopted and found.reason.startswith("too few outcomes of one kind (0 < 5)")
    assert found.baseline_auc is None
