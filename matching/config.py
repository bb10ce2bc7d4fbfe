"""The one configuration object of the scoring: the weights in use and the few constants of each component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from matching.components import BY_LEVEL, NAMES
from matching.models import LEVELS

#: Weight of each soft component at each vacancy level, as declared in the registry (matching.components);
#: the score is their weighted mean, so only ratios matter. Documented in README.md ("How a score is made").
DEFAULT_LEVEL_WEIGHTS: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {level: scoring.weights for level, scoring in BY_LEVEL.items()}
)
#: One set of weights standing for the defaults where one set is needed (what `rdvm learn` starts from and
#: compares with, what a stored version replaces): the mean of the levels' weights.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {name: round(sum(w[name] for w in DEFAULT_LEVEL_WEIGHTS.values()) / len(DEFAULT_LEVEL_WEIGHTS), 4) for name in NAMES}
)


@dataclass(frozen=True)
class ScoringConfig:
    """Weights and constants of the score; the defaults are the documented ones."""

    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    #: The weights of each vacancy level (the registry's by default); None: `weights` at every level (weights
    #: given here, adopted or read from a file are one set). Weights given without this apply to every level.
    weights_by_level: Mapping[str, Mapping[str, float]] | None = field(default_factory=lambda: DEFAULT_LEVEL_WEIGHTS)
    #: Which weights these are: 0 for the registry's defaults, else the stored version adopted (or a file's).
    weights_version: int = 0
    #: Hard rule of mobility `town` (FORMAT.md): towns within this distance of home are accepted.
    mobility_radius_km: float = 30.0
    #: Proximity is 1 / (1 + distance / half): 1 at home, 0.5 at `half` km, still falling beyond 300 km
    #: (0.27 at 212 km, 0.08 at 946 km), so a local is not beaten by someone 900 km away over small items.
    proximity_half_km: float = 80.0
    #: The same on low-wage posts: living near matters most where pay cannot cover moving or a long commute.
    low_wage_proximity_half_km: float = 40.0
    #: A post pays a low wage at most this many times the minimum wage (SMIG).
    low_wage_smig_multiple: float = 1.5
    #: Proximity of a town the trainee accepts besides home: willingness, scored below living there
    #: (as living about 50 km away), and never below what home's distance gives.
    extra_town_proximity: float = 0.6
    #: Reasons name the distance of every candidate living farther than this from the site.
    far_km: float = 100.0
    #: Security experience beyond the minimum that earns the full experience component, by vacancy level.
    experience_full_years: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({level: scoring.experience_full_years for level, scoring in BY_LEVEL.items()})
    )
    #: Years in jobs whose titles show leading people that earn the full leadership component.
    leadership_full_years: float = 2.0
    #: Scores closer than this are shown as a tie band on the pages (half a point out of 100).
    tie_band: float = 0.005
    #: Scores closer than this show what separates a candidate from the next one (two points out of 100).
    close_gap: float = 0.02
    #: Grade (out of 20) assumed when a trainee has no training grade: the middle of the scale.
    missing_grade: float = 10.0
    #: Days of lateness after the start date at which availability reaches 0.
    lateness_zero_days: float = 60.0
    #: Level (1 basic … 4 native) asked of the site region's own languages in the languages component.
    region_language_level: int = 2
    #: Decimals of published scores; ranking and plans use the rounded score so the output is consistent.
    decimals: int = 4
    #: How exact ties of the published score are broken. False (the pages): more security experience, then
    #: living nearer, then the trainee id — the recruiter's order (issue 14). True: the trainee id alone, as
    #: FORMAT.md's rdvm-rank document says ("ties broken by trainee id"); `rdvm rank` writes that document.
    ties_by_id: bool = False

    def __post_init__(self) -> None:
        if self.weights is not DEFAULT_WEIGHTS and self.weights_by_level is DEFAULT_LEVEL_WEIGHTS:
            object.__setattr__(self, "weights_by_level", None)  # weights given: the same at every level
        for weights in [self.weights, *(self.weights_by_level or {}).values()]:
            unknown = set(weights) - set(NAMES)
            if unknown or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
                raise ValueError(f"weights must be non-negative, name known components and not all be zero: {dict(weights)}")

    def weight_rows(self) -> NDArray[np.float64]:
        """Return the weights in use as rows by level (`LEVELS` order), columns by component (`NAMES`), rows summing to 1."""
        by_level = self.weights_by_level or dict.fromkeys(LEVELS, self.weights)
        rows = np.array([[by_level[level].get(name, 0.0) for name in NAMES] for level in LEVELS], dtype=np.float64)
        return rows / rows.sum(axis=1, keepdims=True)


#: How far from 1 the sum of learned or stored weights may be (they are written with 4 decimals).
SUM_TOLERANCE = 1e-6


def weight_problems(weights: Mapping[str, object]) -> list[tuple[str, str]]:
    """Return every problem of a set of weights as (component, message): known components, numbers ≥ 0, summing to 1."""
    problems = [(name, "is not a score component") for name in weights if name not in NAMES]
    numbers = {}
    for name, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append((name, f"must be a number, not {value!r}"))
        elif value < 0:
            problems.append((name, f"must not be negative ({value})"))
        else:
            numbers[name] = float(value)
    total = sum(numbers.values())
    if len(numbers) == len(weights) and abs(total - 1.0) > SUM_TOLERANCE:
        problems.append(("", f"must sum to 1 (they sum to {total:.6f})"))
    return problems


def with_weights(weights: Mapping[str, float], version: int, base: ScoringConfig | None = None) -> ScoringConfig:
    """Return the configuration with other weights (checked: see `weight_problems`); a missing component weighs 0."""
    problems = weight_problems(weights)
    if problems:
        raise ValueError("; ".join(f"{name or 'weights'} {message}" for name, message in problems))
    chosen = MappingProxyType({name: float(weights.get(name, 0.0)) for name in NAMES})
    return replace(base or ScoringConfig(), weights=chosen, weights_by_level=None, weights_version=version)
