"""What separates each candidate from the next one when their scores are close: the pages' word on the order.

Scores closer than `ScoringConfig.close_gap` say which components put the candidate ahead (their weighted
difference, in points out of 100, as the pages show scores); scores closer than `ScoringConfig.tie_band` are
shown as a tie band; exactly equal scores say which tie-break decided (experience, then distance, then id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.components import NAMES
from matching.messages import Lang, number, say, years_text

#: Components named as what puts a candidate ahead, at most.
MAX_NAMED = 2


@dataclass(frozen=True)
class Placed:
    """A candidate as the separation reads it: score, components (registry order), and the tie-break facts."""

    score: float
    components: Sequence[float]
    security_years: float
    km: float | None


def _points(value: float, lang: Lang) -> str:
    return number(round(value * 100, 1), lang)


def _tie_break(a: Placed, b: Placed, lang: Lang) -> str:
    if a.security_years != b.security_years:
        return say("tie_experience", lang, a=years_text(a.security_years, lang), b=years_text(b.security_years, lang))
    if a.km != b.km and a.km is not None:
        far = "?" if b.km is None else number(round(b.km), lang)
        return say("tie_distance", lang, a=number(round(a.km), lang), b=far)
    return say("tie_id", lang)


def _ahead_by(a: Placed, b: Placed, weights: NDArray[np.float64], names: dict[str, str], lang: Lang) -> str:
    """Return the components that put `a` ahead of `b` most, with their weighted difference in points."""
    gained = weights * (np.asarray(a.components) - np.asarray(b.components))
    order = [int(c) for c in np.argsort(-gained, kind="stable")[:MAX_NAMED] if gained[c] > 0]
    return " ; ".join(say("ahead_part", lang, name=names[NAMES[c]], points=_points(gained[c], lang)) for c in order)


def separations(
    placed: Sequence[Placed],
    weights: NDArray[np.float64],
    names: dict[str, str],
    lang: Lang,
    *,
    tie_band: float,
    close_gap: float,
) -> list[str | None]:
    """Return, per candidate (best first), what separates it from the next one when their scores are close, else None.

    `weights` are the vacancy's level's (registry order, summing to 1); `names` the components' names on the pages.
    """
    out: list[str | None] = []
    for a, b in zip(placed, placed[1:], strict=False):
        gap = a.score - b.score
        if gap == 0:
            out.append(say("tie_exact", lang, why=_tie_break(a, b, lang)))
        elif gap < tie_band:
            out.append(say("tie_band", lang, gap=_points(gap, lang), parts=_ahead_by(a, b, weights, names, lang)))
        elif gap < close_gap:
            out.append(say("ahead_close", lang, gap=_points(gap, lang), parts=_ahead_by(a, b, weights, names, lang)))
        else:
            out.append(None)
    return [*out, None][: len(placed)]
