"""The one configuration object of the scoring: component weights and the few constants of each part."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: Weight of each soft component; the score is their weighted mean, so only ratios matter.
#: Documented in README.md ("How a score is made"); change them here and nowhere else.
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "skills": 0.22,  # share of the vacancy's required skills the trainee has
        "preferred_skills": 0.06,  # share of its preferred skills
        "certifications": 0.08,  # share of its preferred certifications
        "text": 0.10,  # TF-IDF similarity of the vacancy text and the trainee's profile text
        "experience": 0.12,  # security experience beyond the minimum asked
        "training": 0.12,  # overall training grade out of 20
        "proximity": 0.12,  # distance from home (or an accepted extra town) to the site
        "availability": 0.06,  # available by the start date
        "level": 0.04,  # the vacancy's level is one the trainee prefers
        "shift": 0.03,  # the vacancy's shift is one the trainee prefers
        "languages": 0.05,  # languages beyond the requirement and the site region's languages
    }
)
COMPONENTS: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)


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
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown or any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError(f"weights must be non-negative, name known components and not all be zero: {dict(self.weights)}")
