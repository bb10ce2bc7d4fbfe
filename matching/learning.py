"""Learn the score's component weights from outcomes: which (trainee, vacancy) pairs led to a job that lasted.

The score is the weighted mean of the components (`matching.components`), so the weights learned stay
non-negative and sum to 1: the parts shown on the pages still add up to the score. A logistic regression on
the component scores, its coefficients bounded below by 0 (L-BFGS-B; scikit-learn's LogisticRegression has
no such bound), gives such weights once normalised — scaling and the intercept change no ranking, so the
normalised coefficients rank pairs exactly as the fitted model does. scikit-learn gives the folds; the AUC
and its variance come from midranks (DeLong), as scikit-learn's AUC gives no variance.

The learned weights replace the current ones only when they rank the outcomes clearly better: with at least
`MIN_OUTCOMES` outcomes, their cross-validated AUC (repeated stratified folds) beats the scores in use on
the same folds by `MIN_GAIN`, and the gain's lower confidence bound (DeLong's paired variance on each test
fold) is above 0 — a chance dip of the current weights' AUC must not pass for a gain. The scores in use are
each pair's with the weights it is ranked with: its vacancy level's, or the one set adopted or read from a
file. Otherwise the current weights are kept and the result says why: a code (`Reason`) and its figures,
which the pages put in their language, and an English sentence for the command.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field
from threadpoolctl import threadpool_limits  # scikit-learn's dependency

from matching import exchange
from matching.components import COMPONENTS, NAMES, PerAttribute, PerBlock, PerTrainee
from matching.config import ScoringConfig
from matching.exchange import Parsed
from matching.models import LEVELS, Trainee, Vacancy
from matching.scoring import BLOCK_PAIRS, Prepared, hard_failures, prepare

Floats = NDArray[np.float64]
Intps = NDArray[np.intp]

#: Outcomes needed before learned weights may be adopted: fewer, and a fit learns noise.
MIN_OUTCOMES = 200
#: Cross-validated AUC the learned weights must gain over the current ones to be adopted.
MIN_GAIN = 0.02
#: Folds of the cross-validation, its repeats (each shuffled anew, so no one split decides) and its seed
#: (fixed: the same outcomes give the same answer).
FOLDS = 5
REPEATS = 5
SEED = 0
#: Confidence of the gain's one-sided lower bound, which must be above 0 (noise passed it 0 times in 200 draws;
#: its spread suggests about 3 in 1,000).
CONFIDENCE = 0.999
#: Outcomes of each kind (lasted, not) needed: every test fold then holds two of each, as the gain's variance needs.
MIN_OF_EACH = 2 * FOLDS
#: The warning of an outcome whose pair the hard rules exclude (FORMAT.md, "Outcomes").
EXCLUDED = "the hard rules exclude this pair (a placement by override): left out"
#: Decimals of the weights learned.
DECIMALS = 4


class Reason(StrEnum):
    """Why learned weights are adopted or kept: a code, its figures in `Why.values` (the pages word it)."""

    TOO_FEW = "too_few"  # fewer than MIN_OUTCOMES outcomes: nothing is fitted
    ONE_KIND = "one_kind"  # fewer than MIN_OF_EACH outcomes of one kind (lasted, not)
    NO_PREDICTOR = "no_predictor"  # every weight fitted is 0
    GAIN_TOO_SMALL = "gain_too_small"  # the learned AUC does not beat the baseline's by MIN_GAIN
    NOT_SIGNIFICANT = "not_significant"  # it does, but the gain's lower bound is not above 0
    ADOPTED = "adopted"


#: The English sentence of each reason (`rdvm learn`), filled with its values.
SENTENCES: Mapping[Reason, str] = {
    Reason.TOO_FEW: "too few outcomes ({n} < {min_outcomes})",
    Reason.ONE_KIND: "too few outcomes of one kind ({fewest} < {min_of_each}): nothing to learn",
    Reason.NO_PREDICTOR: "gain too small: no component predicts the outcomes (every weight fitted is 0)",
    Reason.GAIN_TOO_SMALL: "gain too small: learned AUC {learned_auc:.4f} < baseline AUC {baseline_auc:.4f} + {min_gain}",
    Reason.NOT_SIGNIFICANT: "gain not significant: learned AUC {learned_auc:.4f} ≥ baseline AUC {baseline_auc:.4f} + {min_gain}"
    " with {n} outcomes, but the gain's {confidence:.1%} lower bound {gain_bound:+.4f} is not above 0 (it may be chance)",
    Reason.ADOPTED: "learned AUC {learned_auc:.4f} ≥ baseline AUC {baseline_auc:.4f} + {min_gain} with {n} outcomes,"
    " and the gain's {confidence:.1%} lower bound {gain_bound:+.4f} is above 0",
}


@dataclass(frozen=True)
class Why:
    """Why learned weights are adopted or kept: the reason's code and the figures its sentence names."""

    code: Reason
    values: Mapping[str, float | int] = field(default_factory=dict)

    def sentence(self) -> str:
        """Return the reason as one English sentence."""
        return SENTENCES[self.code].format(**self.values)


class Outcome(BaseModel):
    """One (trainee, vacancy) pair and whether its placement lasted 6 months (1) or not (0): a record of OUTCOMES."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    trainee_id: str = Field(min_length=1)
    vacancy_id: str = Field(min_length=1)
    outcome: int = Field(ge=0, le=1, description="1 when the placement lasted 6 months, else 0")


@dataclass(frozen=True)
class Learned:
    """What learning concluded: the weights to use, both AUCs, whether the fit was adopted and why."""

    n: int
    weights: dict[str, float]  # the weights to use: the learned ones when adopted, else the current ones
    baseline_auc: float | None
    learned_auc: float | None
    adopted: bool
    why: Why
    fitted: dict[str, float] | None = None  # the learned weights, adopted or not (None when nothing was fitted)
    #: The outcomes left out (their positions): pairs the hard rules exclude, placed by override (FORMAT.md).
    excluded: tuple[int, ...] = ()
    #: The lower confidence bound (`CONFIDENCE`) of the learned AUC's gain over the baseline's, when cross-validated.
    gain_bound: float | None = None
    #: The same learning on each vacancy level's outcomes alone, against that level's weights: a report (one set of
    #: weights is adopted for every level), each level under the same rule, so under 200 outcomes it is not adopted.
    levels: Mapping[str, Learned] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Return why, in one English sentence."""
        return self.why.sentence()

    def to_dict(self, *, by_level: bool = False) -> dict[str, Any]:
        """Return the result as `rdvm learn` prints it (with `--by-level`, each level's result under "levels")."""
        document = {
            "n": self.n,
            "weights": self.weights,
            "baseline": {"auc": self.baseline_auc},
            "learned": {"auc": self.learned_auc},
            "adopted": self.adopted,
            "reason": self.reason,
            "reason_code": self.why.code.value,
            "reason_values": dict(self.why.values),
        }
        return document | {"levels": {k: v.to_dict() for k, v in self.levels.items()}} if by_level else document


# ---------------------------------------------------------------- the component scores of pairs


def pair_components(p: Prepared, vacancies: Intps, trainees: Intps) -> Floats:
    """Return every component (columns, in the registry's order) of some (vacancy row, trainee column) pairs."""
    out = np.empty((len(vacancies), len(NAMES)))
    for c, component in enumerate(COMPONENTS):
        if isinstance(component.computed, PerTrainee):
            out[:, c] = p.per_trainee[component.name][trainees]
        elif isinstance(component.computed, PerAttribute):
            table = p.tables[component.name]
            out[:, c] = table.values[table.inverse[vacancies], trainees]
        else:
            out[:, c] = _per_block(p, component.computed, vacancies, trainees)
    return out


def _per_block(p: Prepared, computed: PerBlock, vacancies: Intps, trainees: Intps) -> Floats:
    """Compute a per-block component for the pairs' vacancies, a bounded number of rows at a time."""
    return _gathered(p, lambda rows: computed.values(p, rows), vacancies, trainees, np.float64)


def pair_eligible(p: Prepared, vacancies: Intps, trainees: Intps) -> NDArray[np.bool_]:
    """Return whether each (vacancy row, trainee column) pair passes every hard rule."""
    return _gathered(p, lambda rows: ~hard_failures(p, rows).any(), vacancies, trainees, np.bool_)


def _gathered(
    p: Prepared, block: Callable[[Intps], NDArray[Any]], vacancies: Intps, trainees: Intps, dtype: type
) -> NDArray[Any]:
    """Return a [vacancy rows × all trainees] matrix's values at some pairs, computed a bounded number of rows at a time."""
    rows, inverse = np.unique(vacancies, return_inverse=True)
    out: NDArray[Any] = np.empty(len(vacancies), dtype=dtype)
    size = max(1, BLOCK_PAIRS // max(len(p.trainees), 1))
    for start in range(0, len(rows), size):
        picked = np.flatnonzero((inverse >= start) & (inverse < start + size))
        out[picked] = block(rows[start : start + size])[inverse[picked] - start, trainees[picked]]
    return out


def outcome_matrix(
    trainees: Sequence[Trainee], vacancies: Sequence[Vacancy], outcomes: Sequence[Outcome], config: ScoringConfig | None = None
) -> tuple[Floats, NDArray[np.int8], NDArray[np.bool_]]:
    """Return the component scores of the outcomes' pairs, their outcomes and whether the hard rules let each pair be."""
    used_t = {o.trainee_id for o in outcomes}
    used_v = {o.vacancy_id for o in outcomes}
    t = [x for x in trainees if x.id in used_t]
    v = [x for x in vacancies if x.id in used_v]
    p = prepare(t, v, config)
    t_col = {x: i for i, x in enumerate(p.trainees.ids)}  # the engine's order (it sorts the records), not the input's
    v_row = {x: i for i, x in enumerate(p.vacancies.ids)}
    rows = np.fromiter((v_row[o.vacancy_id] for o in outcomes), dtype=np.intp, count=len(outcomes))
    cols = np.fromiter((t_col[o.trainee_id] for o in outcomes), dtype=np.intp, count=len(outcomes))
    y = np.fromiter((o.outcome for o in outcomes), dtype=np.int8, count=len(outcomes))
    return np.clip(pair_components(p, rows, cols), 0.0, 1.0), y, pair_eligible(p, rows, cols)


# ---------------------------------------------------------------- fitting


def normalised(weights: Mapping[str, float]) -> Floats:
    """Return weights as a vector in the registry's order, summing to 1."""
    w = np.array([weights.get(name, 0.0) for name in NAMES], dtype=np.float64)
    return w / w.sum()


def rounded(w: Floats) -> dict[str, float]:
    """Return a weight vector by component name, rounded, the largest absorbing the rounding so they sum to 1."""
    r = np.round(w / w.sum(), DECIMALS)
    r[int(np.argmax(r))] += round(1.0 - float(r.sum()), DECIMALS)
    return {name: round(float(x), DECIMALS) for name, x in zip(NAMES, r, strict=True)}


def _logistic_loss(theta: Floats, x: Floats, y: Floats, l2: float) -> tuple[float, Floats]:
    """Return the mean logistic loss (plus a ridge on the weights) of `theta` (weights, intercept) and its gradient."""
    from scipy import special  # scipy's optimiser and statistics load only when learning runs (commands start faster)

    w, b = theta[:-1], theta[-1]
    z = x @ w + b
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z)) + 0.5 * l2 * float(w @ w)
    residual = special.expit(z) - y
    grad = np.empty_like(theta)
    grad[:-1] = x.T @ residual / len(y) + l2 * w
    grad[-1] = residual.mean()
    return loss, grad


def fit_weights(x: Floats, y: NDArray[np.int8]) -> Floats | None:
    """Fit non-negative weights summing to 1 (a logistic regression with coefficients ≥ 0, normalised); None if all are 0."""
    from scipy import optimize

    k = x.shape[1]
    start = np.zeros(k + 1)
    bounds = [(0.0, None)] * k + [(None, None)]  # the weights ≥ 0, the intercept free
    fit = optimize.minimize(
        _logistic_loss, start, args=(x, y.astype(np.float64), 1.0 / len(y)), jac=True, method="L-BFGS-B", bounds=bounds
    )
    coef = np.maximum(fit.x[:-1], 0.0)
    return coef / coef.sum() if coef.sum() > 1e-9 else None


def auc_parts(scores: Floats, lasted: NDArray[np.bool_]) -> tuple[Floats, Floats]:
    """Return DeLong's placement values: per outcome 1 the share of 0s it outranks, per 0 the share of 1s above it (ties half)."""
    from scipy import stats

    ranks = stats.rankdata(scores)
    zeros_below_ones = ranks[lasted] - stats.rankdata(scores[lasted])  # midranks: a tie counts half
    ones_below_zeros = ranks[~lasted] - stats.rankdata(scores[~lasted])
    return zeros_below_ones / (~lasted).sum(), 1.0 - ones_below_zeros / lasted.sum()


def auc(scores: Floats, lasted: NDArray[np.bool_]) -> float:
    """Return the AUC of scores for outcomes: the chance that a pair that lasted outranks one that did not."""
    return float(auc_parts(scores, lasted)[0].mean())


def paired_gain(lasted: NDArray[np.bool_], learned: Floats, baseline: Floats) -> tuple[float, float, float]:
    """Return the AUCs of two scores of the same outcomes and the variance of their difference (DeLong's, paired)."""
    l10, l01 = auc_parts(learned, lasted)
    b10, b01 = auc_parts(baseline, lasted)
    d10, d01 = l10 - b10, l01 - b01
    return float(b10.mean()), float(l10.mean()), float(d10.var(ddof=1) / len(d10) + d01.var(ddof=1) / len(d01))


@dataclass(frozen=True)
class Validated:
    """The cross-validation's figures: both mean AUCs over the test folds and the gain's lower confidence bound."""

    baseline_auc: float
    learned_auc: float
    gain_bound: float


def cross_validated(x: Floats, y: NDArray[np.int8], in_use: Floats) -> Validated:
    """Score the scores in use and weights fitted on the other folds on each test fold of repeated stratified folds."""
    from scipy import stats
    from sklearn.model_selection import RepeatedStratifiedKFold

    figures = []  # per test fold: the baseline's AUC, the learned weights' AUC, the variance of their difference
    for train, test in RepeatedStratifiedKFold(n_splits=FOLDS, n_repeats=REPEATS, random_state=SEED).split(x, y):
        w = fit_weights(x[train], y[train])
        learned = x[test] @ w if w is not None else np.zeros(len(test))  # no weight: every pair alike
        figures.append(paired_gain(y[test] == 1, learned, in_use[test]))
    baseline, learned_auc, variances = np.array(figures).T
    # The test folds of one repeat are disjoint: their gains' variances add up. The repeats share the outcomes, so
    # their mean is no surer than one repeat: the mean of the repeats' variances bounds its variance.
    spread = np.sqrt(variances.sum() / (FOLDS**2 * REPEATS))
    gain = learned_auc.mean() - baseline.mean()
    return Validated(float(baseline.mean()), float(learned_auc.mean()), float(gain - stats.norm.ppf(CONFIDENCE) * spread))


def learn_matrix(x: Floats, y: NDArray[np.int8], current: Mapping[str, float], in_use: Floats | None = None) -> Learned:
    """Decide from component scores and outcomes whether learned weights replace the current ones.

    `in_use` is each pair's score as ranked now (its level's weights); None: `current`'s weighted mean.
    """
    n, w0 = len(y), normalised(current)
    kept, ones = rounded(w0), int(y.sum())
    in_use = x @ w0 if in_use is None else in_use
    baseline = round(auc(in_use, y == 1), 4) if 0 < ones < n else None
    if n < MIN_OUTCOMES:
        return Learned(n, kept, baseline, None, False, Why(Reason.TOO_FEW, {"n": n, "min_outcomes": MIN_OUTCOMES}))
    if (fewest := min(ones, n - ones)) < MIN_OF_EACH:
        why = Why(Reason.ONE_KIND, {"fewest": fewest, "min_of_each": MIN_OF_EACH})
        return Learned(n, kept, baseline, None, False, why)
    with threadpool_limits(1, user_api="blas"):  # BLAS threads cost ten times the CPU on 12 columns, and no time
        v, fitted = cross_validated(x, y, in_use), fit_weights(x, y)
    base_auc, learned_auc, bound = round(v.baseline_auc, 4), round(v.learned_auc, 4), round(v.gain_bound, 4)
    if fitted is None:
        return Learned(n, kept, base_auc, learned_auc, False, Why(Reason.NO_PREDICTOR), None, gain_bound=bound)
    proposal, why = rounded(fitted), verdict(n, base_auc, learned_auc, bound)
    adopted = why.code is Reason.ADOPTED
    return Learned(n, proposal if adopted else kept, base_auc, learned_auc, adopted, why, proposal, gain_bound=bound)


def verdict(n: int, baseline_auc: float, learned_auc: float, gain_bound: float) -> Why:
    """Say why learned weights with these cross-validated figures are adopted or not (the adoption rule)."""
    values = {
        "n": n, "baseline_auc": baseline_auc, "learned_auc": learned_auc, "min_gain": MIN_GAIN,
        "confidence": CONFIDENCE, "gain_bound": gain_bound,
    }  # fmt: skip
    if learned_auc < baseline_auc + MIN_GAIN:
        return Why(Reason.GAIN_TOO_SMALL, values)
    return Why(Reason.NOT_SIGNIFICANT if gain_bound <= 0 else Reason.ADOPTED, values)


def in_use_scores(x: Floats, levels: Sequence[str], config: ScoringConfig) -> Floats:
    """Return each pair's score with the weights it is ranked with: its vacancy level's (`config.weight_rows`)."""
    rows = config.weight_rows()[[LEVELS.index(level) for level in levels]]
    return np.einsum("ij,ij->i", x, rows)


def learn(
    trainees: Sequence[Trainee], vacancies: Sequence[Vacancy], outcomes: Sequence[Outcome], config: ScoringConfig | None = None
) -> Learned:
    """Learn component weights from the outcomes of (trainee, vacancy) pairs, keeping the current ones unless clearly better."""
    config = config or ScoringConfig()
    if outcomes:
        x, y, eligible = outcome_matrix(trainees, vacancies, outcomes, config)
    else:
        x, y, eligible = np.zeros((0, len(NAMES))), np.zeros(0, dtype=np.int8), np.zeros(0, dtype=np.bool_)
    level_of = {v.id: v.level for v in vacancies}
    level = np.array([level_of[o.vacancy_id] for o in outcomes], dtype=str)
    in_use = in_use_scores(x, list(level), config)
    by_level = config.weights_by_level or dict.fromkeys(LEVELS, config.weights)
    levels: dict[str, Learned] = {}
    for k in LEVELS:
        picked = eligible & (level == k)
        levels[k] = learn_matrix(x[picked], y[picked], by_level[k], in_use[picked])
    learned = learn_matrix(x[eligible], y[eligible], config.weights, in_use[eligible])
    return replace(learned, excluded=tuple(int(i) for i in np.flatnonzero(~eligible)), levels=levels)


# ---------------------------------------------------------------- the OUTCOMES file


def read_outcomes(path: str | Path, *, trainee_ids: Collection[str], vacancy_ids: Collection[str]) -> Parsed[Outcome]:
    """Read an OUTCOMES file (JSON or CSV `trainee_id, vacancy_id, outcome` records): every error at once, unknown ids too."""
    parsed = exchange.load_located(path, kind="outcomes", model=Outcome)
    known = {"trainee_id": set(trainee_ids), "vacancy_id": set(vacancy_ids)}
    files = {"trainee_id": "trainees", "vacancy_id": "vacancies"}
    unknown = [
        exchange.Issue(parsed.source, raw.where, name, f"{value!r} is not in the {files[name]} file")
        for raw in parsed.raw
        for name in ("trainee_id", "vacancy_id")
        if (value := str(raw.data.get(name, "")).strip()) and value not in known[name]
    ]
    parsed.issues += unknown
    return parsed
