"""The one configuration object of the scoring: the weights in use and the few constants of each component."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from matching.components import COMPONENTS, NAMES

#: Weight of each soft component, as declared in the registry (matching.components); the score is their
#: weighted mean, so only ratios matter. Documented in README.md ("How a score is made").
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({c.name: c.weight for c in COMPONENTS})


@dataclass(frozen=True)
class ScoringConfig:
    """Weights and constants of the score; the defaults are the documented ones."""

    weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_WEIGHTS)
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
