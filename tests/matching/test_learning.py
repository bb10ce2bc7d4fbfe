"""Learning component weights from outcomes: recovers a known rule, refuses noise (over many draws) and small samples."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from matching import synth
from matching.bench import known_rule_outcomes
from matching.components import NAMES
from matching.config import DEFAULT_LEVEL_WEIGHTS, DEFAULT_WEIGHTS, ScoringConfig, with_weights
from matching.exchange import parse_text
from matching.learning import (
    CONFIDENCE,
    MIN_GAIN,
    MIN_OF_EACH,
    SENTENCES,
    Learned,
    Outcome,
    Reason,
    auc,
    in_use_scores,
    learn,
    learn_matrix,
    outcome_matrix,
    pair_components,
    paired_gain,
    verdict,
)
from matching.models import LEVELS, Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, prepare, score_block


@cache
def workload() -> tuple[list[Trainee], list[Vacancy]]:
    """A synthetic programme: 300 trainees, 60 vacancies, read as a user's files are."""
    t, v = synth.generate(trainees=300, vacancies=60, seed=11)
    trainees = parse_text(synth.json_text(t, "trainees"), kind="trainees", source="t", fmt="json").records
    vacancies = parse_text(synth.json_text(v, "vacancies"), kind="vacancies", source="v", fmt="json").records
    return trainees, vacancies


def known_rule(n: int, seed: int) -> list[Outcome]:
    """Return n outcomes of eligible pairs whose chance of lasting depends on proximity and level fit only."""
    trainees, vacancies = workload()
    return [Outcome(**row) for row in known_rule_outcomes(trainees, vacancies, n, seed)]


def with_outcomes(outcomes: list[Outcome], values: np.ndarray) -> list[Outcome]:
    """Return the same pairs with other outcomes."""
    return [o.model_copy(update={"outcome": int(v)}) for o, v in zip(outcomes, values, strict=True)]


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


@cache
def learned_known_rule() -> Learned:
    """What learning concludes from 1,000 outcomes of the known rule."""
    trainees, vacancies = workload()
    return learn(trainees, vacancies, known_rule(1000, seed=5))


class TestKnownRule:
    """Outcomes that depend on proximity and level fit only."""

    def result(self) -> tuple[dict[str, float], float | None, float | None, bool, str]:
        found = learned_known_rule()
        assert found.n == 1000 and found.excluded == ()
        return found.weights, found.baseline_auc, found.learned_auc, found.adopted, found.reason

    def test_recovers_the_dominant_components_and_adopts(self) -> None:
        weights, baseline, learned, adopted, reason = self.result()
        top_two = sorted(weights, key=weights.__getitem__, reverse=True)[:2]
        assert set(top_two) == {"proximity", "level"}
        assert weights["proximity"] + weights["level"] > 0.7
        assert weights["proximity"] > weights["level"]
        assert adopted and baseline is not None and learned is not None and learned >= baseline + 0.02
        assert reason.startswith("learned AUC") and reason.endswith("is above 0")

    def test_weights_are_a_weighted_mean(self) -> None:
        weights = self.result()[0]
        assert list(weights) == list(NAMES)
        assert all(w >= 0 for w in weights.values()) and sum(weights.values()) == pytest.approx(1.0, abs=1e-9)

    def test_two_hundred_outcomes_still_suffice(self) -> None:
        trainees, vacancies = workload()
        found = learn(trainees, vacancies, known_rule(200, seed=8))
        assert found.adopted and found.gain_bound is not None and found.gain_bound > 0
        assert max(found.weights, key=found.weights.__getitem__) in {"proximity", "level"}


@cache
def eligible_pairs() -> np.ndarray:
    """The component scores of 2,000 distinct eligible pairs of the workload."""
    trainees, vacancies = workload()
    x, _, eligible = outcome_matrix(trainees, vacancies, known_rule(2000, seed=1))
    assert eligible.all()
    return x


class TestNoise:
    """Outcomes drawn at random, independent of every component: learning must never adopt them."""

    def test_no_draw_of_noise_is_adopted_though_many_pass_the_margin(self) -> None:
        rng, results = np.random.default_rng(20), []
        for _ in range(30):
            x = eligible_pairs()[rng.choice(len(eligible_pairs()), size=300, replace=False)]
            results.append(learn_matrix(x, (rng.random(300) < 0.4).astype(np.int8), DEFAULT_WEIGHTS))
        assert [r for r in results if r.adopted] == []
        chance_gains = [r for r in results if r.learned_auc and r.baseline_auc and r.learned_auc >= r.baseline_auc + 0.02]
        assert len(chance_gains) >= 3  # the margin alone would have adopted these
        assert all(r.reason.startswith("gain not significant") for r in chance_gains)
        assert all(r.weights == pytest.approx(dict(DEFAULT_WEIGHTS), abs=1e-4) for r in results)

    def test_random_outcomes_of_the_command_keep_the_current_weights(self) -> None:
        trainees, vacancies = workload()
        pairs = known_rule(1000, seed=6)
        found = learn(trainees, vacancies, with_outcomes(pairs, np.random.default_rng(10).random(len(pairs)) < 0.4))
        assert not found.adopted and found.fitted is not None
        assert found.reason.startswith(("gain too small", "gain not significant"))
        assert found.weights == pytest.approx(dict(DEFAULT_WEIGHTS), abs=1e-4)
        assert found.gain_bound is not None and found.gain_bound <= 0


def test_twenty_outcomes_are_too_few_and_nothing_is_fitted() -> None:
    trainees, vacancies = workload()
    found = learn(trainees, vacancies, with_outcomes(known_rule(20, seed=7), np.arange(20) % 2))
    assert found.to_dict() == {
        "n": 20,
        "weights": pytest.approx(dict(DEFAULT_WEIGHTS), abs=1e-4),
        "baseline": {"auc": found.baseline_auc},
        "learned": {"auc": None},
        "adopted": False,
        "reason": "too few outcomes (20 < 200)",
        "reason_code": "too_few",
        "reason_values": {"n": 20, "min_outcomes": 200},
    }
    assert found.fitted is None


def test_pairs_the_hard_rules_exclude_are_left_out() -> None:
    trainees, vacancies = workload()
    p = prepare(trainees, vacancies)
    failed = np.argwhere(~score_block(p, slice(0, len(vacancies))).eligible)[:3]
    overrides = [Outcome(trainee_id=p.trainees.ids[c], vacancy_id=p.vacancies.ids[r], outcome=1) for r, c in failed]
    outcomes = known_rule(250, seed=2)
    found = learn(trainees, vacancies, [overrides[0], *outcomes[:100], *overrides[1:], *outcomes[100:]])
    assert found.excluded == (0, 101, 102) and found.n == 250


def test_outcomes_all_alike_teach_nothing() -> None:
    x = np.random.default_rng(1).random((300, len(NAMES)))
    found = learn_matrix(x, np.ones(300, dtype=np.int8), DEFAULT_WEIGHTS)
    assert not found.adopted and found.reason.startswith(f"too few outcomes of one kind (0 < {MIN_OF_EACH})")
    assert found.baseline_auc is None


class TestThresholds:
    """The adoption rule's conditions, at their edges, on outcomes of the known rule (which is adopted once fitted)."""

    def test_199_outcomes_are_too_few(self) -> None:
        trainees, vacancies = workload()
        found = learn(trainees, vacancies, known_rule(199, seed=8))
        assert (found.adopted, found.reason, found.fitted) == (False, "too few outcomes (199 < 200)", None)

    def test_one_kind_short_of_two_per_test_fold_is_too_few(self) -> None:
        x = eligible_pairs()[:300]
        y = np.zeros(300, dtype=np.int8)
        y[: MIN_OF_EACH - 1] = 1
        found = learn_matrix(x, y, DEFAULT_WEIGHTS)
        assert found.reason == f"too few outcomes of one kind ({MIN_OF_EACH - 1} < {MIN_OF_EACH}): nothing to learn"
        y[MIN_OF_EACH - 1] = 1
        assert learn_matrix(x, y, DEFAULT_WEIGHTS).learned_auc is not None

    def test_the_verdicts(self) -> None:
        small, chance, adopted = verdict(300, 0.6, 0.6199, 0.05), verdict(300, 0.6, 0.62, -0.01), verdict(300, 0.6, 0.62, 0.001)
        assert (small.code, chance.code, adopted.code) == (Reason.GAIN_TOO_SMALL, Reason.NOT_SIGNIFICANT, Reason.ADOPTED)
        assert small.sentence() == "gain too small: learned AUC 0.6199 < baseline AUC 0.6000 + 0.02"
        assert chance.sentence() == (
            "gain not significant: learned AUC 0.6200 ≥ baseline AUC 0.6000 + 0.02 with 300 outcomes, "
            f"but the gain's {CONFIDENCE:.1%} lower bound -0.0100 is not above 0 (it may be chance)"
        )
        assert adopted.sentence().endswith(f"with 300 outcomes, and the gain's {CONFIDENCE:.1%} lower bound +0.0010 is above 0")
        assert dict(adopted.values) == {
            "n": 300, "baseline_auc": 0.6, "learned_auc": 0.62, "min_gain": MIN_GAIN, "confidence": CONFIDENCE,
            "gain_bound": 0.001,
        }  # fmt: skip

    def test_every_reason_has_its_sentence(self) -> None:
        assert set(SENTENCES) == set(Reason)


class TestPairedGain:
    """The AUC and the variance of a gain in AUC, against their definitions."""

    def scores(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng(4)
        lasted = rng.random(60) < 0.3
        return lasted, np.round(rng.random(60) + lasted * 0.3, 1), np.round(rng.random(60), 1)  # rounded: ties

    def test_auc_is_scikit_learns(self) -> None:
        lasted, a, b = self.scores()
        assert auc(a, lasted) == pytest.approx(roc_auc_score(lasted, a), abs=1e-12)
        assert auc(b, lasted) == pytest.approx(roc_auc_score(lasted, b), abs=1e-12)

    def test_variance_is_delongs_from_the_pairs_kernel(self) -> None:
        lasted, a, b = self.scores()

        def kernel(s: np.ndarray) -> np.ndarray:  # [ones × zeros]: 1 when the 1 outranks the 0, ½ on a tie
            ones, zeros = s[lasted][:, None], s[~lasted][None, :]
            return (ones > zeros) + 0.5 * (ones == zeros)

        d = kernel(a) - kernel(b)
        per_one, per_zero = d.mean(axis=1), d.mean(axis=0)
        expected = per_one.var(ddof=1) / len(per_one) + per_zero.var(ddof=1) / len(per_zero)
        base, learned, variance = paired_gain(lasted, a, b)
        assert (learned - base, variance) == pytest.approx((d.mean(), expected), abs=1e-12)
        assert paired_gain(lasted, a, a)[2] == 0


class TestByLevel:
    """The same learning on each vacancy level's outcomes alone, against that level's weights: a report."""

    def test_each_level_learns_alone_and_under_200_outcomes_is_not_adopted(self) -> None:
        found = learned_known_rule()
        levels = found.to_dict(by_level=True)["levels"]
        assert list(levels) == list(LEVELS) and sum(level["n"] for level in levels.values()) == found.n
        assert found.levels["guard"].n >= 200 and found.levels["guard"].adopted  # the rule holds at every level
        assert max(found.levels["guard"].weights, key=found.levels["guard"].weights.__getitem__) == "proximity"
        for level in ("supervisor", "manager"):
            alone = found.levels[level]
            assert alone.n < 200 and (alone.adopted, alone.reason) == (False, f"too few outcomes ({alone.n} < 200)")
            assert alone.weights == pytest.approx(dict(DEFAULT_LEVEL_WEIGHTS[level]), abs=1e-4)  # the level's own

    def test_the_document_has_no_levels_without_by_level(self) -> None:
        assert set(learned_known_rule().to_dict()) == {
            "n", "weights", "baseline", "learned", "adopted", "reason", "reason_code", "reason_values"
        }  # fmt: skip


@cache
def level_rule() -> tuple[list[Outcome], np.ndarray]:
    """1,000 outcomes whose chance of lasting rises steeply with the score the engine ranks the pair with, and that score."""
    trainees, vacancies = workload()
    p = prepare(trainees, vacancies)
    score = score_block(p, slice(0, len(vacancies))).score
    pairs = known_rule(1000, seed=5)  # distinct eligible pairs; their outcomes are drawn anew below
    v_row, t_col = {x: i for i, x in enumerate(p.vacancies.ids)}, {x: i for i, x in enumerate(p.trainees.ids)}
    s = np.array([score[v_row[o.vacancy_id], t_col[o.trainee_id]] for o in pairs])
    chance = 1 / (1 + np.exp(-20 * (s - np.median(s))))
    return with_outcomes(pairs, np.random.default_rng(0).random(len(pairs)) < chance), s


class TestBaselineInUse:
    """The baseline is the scoring in use: each pair with its vacancy level's weights (or the one set adopted)."""

    def test_the_scores_in_use_are_the_engines(self) -> None:
        trainees, vacancies = workload()
        p = prepare(trainees, vacancies)
        rng = np.random.default_rng(2)
        rows, cols = rng.integers(0, len(vacancies), 500).astype(np.intp), rng.integers(0, len(trainees), 500).astype(np.intp)
        x = np.clip(pair_components(p, rows, cols), 0.0, 1.0)
        in_use = in_use_scores(x, [p.vacancies.records[r].level for r in rows], ScoringConfig())
        engine = np.clip(score_block(p, slice(0, len(vacancies))).score, 0.0, 1.0)[rows, cols]  # ineligible: -1, so 0
        eligible = engine > 0
        assert eligible.sum() > 100 and np.allclose(
            in_use[eligible], engine[eligible], rtol=0, atol=6e-5
        )  # it rounds to 4 decimals
        mean = x @ np.array([DEFAULT_WEIGHTS[k] for k in NAMES])
        assert not np.allclose(mean[eligible], engine[eligible], rtol=0, atol=1e-3)  # not the levels' mean weights

    def test_weights_the_levels_already_capture_are_not_adopted(self) -> None:
        trainees, vacancies = workload()
        outcomes = level_rule()[0]
        found = learn(trainees, vacancies, outcomes)
        assert (found.adopted, found.why.code) == (False, Reason.GAIN_TOO_SMALL)
        assert found.reason.startswith("gain too small") and found.fitted is not None
        assert found.learned_auc is not None and found.baseline_auc is not None
        assert found.learned_auc < found.baseline_auc + MIN_GAIN
        # Against the levels' mean weights for every pair (the baseline before), the same fit was adopted
        x, y, _ = outcome_matrix(trainees, vacancies, outcomes)
        before = learn_matrix(x, y, DEFAULT_WEIGHTS)
        assert before.adopted and before.why.code is Reason.ADOPTED and before.learned_auc == found.learned_auc
        assert before.baseline_auc is not None and before.baseline_auc + MIN_GAIN <= found.learned_auc < found.baseline_auc

    def test_with_one_set_adopted_the_baseline_is_that_set_at_every_level(self) -> None:
        trainees, vacancies = workload()
        outcomes = known_rule(1000, seed=5)
        adopted = dict.fromkeys(NAMES, 0.0) | {"skills": 0.5, "training": 0.5}
        found = learn(trainees, vacancies, outcomes, with_weights(adopted, 3))
        x, y, _ = outcome_matrix(trainees, vacancies, outcomes)
        assert found.levels["guard"].baseline_auc is not None and found.adopted
        alone = learn_matrix(x, y, adopted)  # that set for every pair
        assert (found.baseline_auc, found.learned_auc) == (alone.baseline_auc, alone.learned_auc)
