"""The one configuration object of the scoring: the weights in use and the few constants of each component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from matching.components import COMPONENTS, NAMES

#: Weight of each soft component, as declared in the registry (matching.components); the score is their
#: weighted mean, so only ratios matter. Documented in README.md ("How a score is made").
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({c.name: c.weight for c in COMPONENTS})


@dataclass(frozen=True)
class ScoringConfig:
    """Weights and constants of the score; the defaults are the documented ones."""

    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
    #: Which weights these are: 0 for the registry's defaults, else the stored version adopted (or a file's).
    weights_version: int = 0
    #: Hard rule of mobility `town` (FORMAT.md): towns within this distance of home are accepted.
    mobility_radius_km: float = 30.0
    #: Proximity is exp(-distance / scale): 1 at home, 0.5 at about 69 km, 0.05 at 300 km.
    proximity_scale_km: float = 100.0
    #: Security experience beyond the minimum that earns the full experience component.
    experience_full_years: float = 5.0
    #: Grade (out of 20) assumed when a trainee has no training grade: the middle of the scale.
    missing_grade: float = 10.0
    #: Days of lateness after the start date at which availability reaches 0.
    lateness_zero_days: float = 60.0
    #: Level (1 basic … 4 native) asked of the site region's own languages in the languages component.
    region_language_level: int = 2
    #: Decimals of published scores; ranking and plans use the rounded score so the output is consistent.
    decimals: int = 4

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(NAMES)
        if unknown or any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError(f"weights must be non-negative, name known components and not all be zero: {dict(self.weights)}")


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
    return replace(base or ScoringConfig(), weights=chosen, weights_version=version)
