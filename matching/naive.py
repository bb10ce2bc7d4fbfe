"""A straightforward per-pair implementation of the score, for checking and timing the vectorised one.

It reads the records directly, pair after pair, with plain Python; only the text term weights
(a corpus statistic) are taken from the prepared run. Never use it on a hot path.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from matching.components import COMPONENTS, NAMES
from matching.evidence import held_skills
from matching.geo import EARTH_RADIUS_KM
from matching.models import LANGUAGE_LEVELS, LEVELS, LITERACY_LEVELS, LanguageSkill, Trainee, Vacancy
from matching.scoring import Prepared
from matching.text import french_stop_words, trainee_text

_WORD = re.compile(r"\b\w\w+\b")


def _terms(text: str) -> set[str]:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return set(_WORD.findall(plain)) - set(french_stop_words())


def _km(p: Prepared, a: str, b: str) -> float | None:
    if a == b:
        return 0.0
    ta, tb = p.space.taxonomy.town(a), p.space.taxonomy.town(b)
    if ta is None or tb is None:
        return None
    la, lb = math.radians(ta.lat), math.radians(tb.lat)
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(math.radians(tb.lon - ta.lon) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def _level(items: Sequence[LanguageSkill], code: str) -> int:
    return max((LANGUAGE_LEVELS.index(x.level) + 1 for x in items if x.language == code), default=0)


def _held(p: Prepared, t: Trainee) -> set[str]:
    return set().union(*(p.space.taxonomy.implied_certifications(c) for c in t.certifications))


def eligible(p: Prepared, v: Vacancy, t: Trainee) -> bool:
    """Return whether the trainee passes every hard rule of the vacancy."""
    held = _held(p, t)
    if any(c not in held for c in v.required_certifications):
        return False
    if any(_level(t.languages, x.language) < LANGUAGE_LEVELS.index(x.level) + 1 for x in v.required_languages):
        return False
    if v.driving_licence and v.driving_licence not in t.driving_licences:
        return False
    if t.security_years < v.min_experience_years:
        return False
    if v.min_literacy and LITERACY_LEVELS.index(t.literacy) < LITERACY_LEVELS.index(v.min_literacy):
        return False
    return _within_mobility(p, v, t)


def _within_mobility(p: Prepared, v: Vacancy, t: Trainee) -> bool:
    if v.town in t.extra_towns or t.mobility == "country":
        return True
    km = _km(p, t.home_town, v.town)
    if km is not None and km <= p.config.mobility_radius_km:
        return True
    home, site = p.space.taxonomy.town(t.home_town), p.space.taxonomy.town(v.town)
    return t.mobility == "region" and home is not None and site is not None and home.region == site.region


@dataclass(frozen=True)
class Pair:
    """One (vacancy, trainee) pair of a prepared run, as the components' per-pair formulas read it."""

    p: Prepared
    v: Vacancy
    t: Trainee
    term_weights: dict[str, float]  # the vacancy's text terms and their weights

    def km(self) -> float | None:
        """Return the distance from the trainee's home to the site, None when either has no coordinates."""
        return _km(self.p, self.t.home_town, self.v.town)

    def held(self) -> set[str]:
        """Return the certifications the trainee holds, implications included."""
        return _held(self.p, self.t)

    def skills(self) -> set[str]:
        """Return the skills the trainee holds: listed, or shown by certifications, passed modules and past job titles."""
        return set(held_skills(self.t, self.p.space.taxonomy))

    def spoken(self, code: str) -> int:
        """Return the trainee's level of a language: 0 absent, 1 basic … 4 native."""
        return _level(self.t.languages, code)

    def terms(self) -> set[str]:
        """Return the words of the trainee's profile text."""
        return _terms(trainee_text(self.t, self.p.space.taxonomy))


def components(p: Prepared, v: Vacancy, t: Trainee, vacancy_weights: dict[str, float]) -> dict[str, float]:
    """Return every soft component of one pair."""
    pair = Pair(p, v, t, vacancy_weights)
    return {c.name: min(1.0, max(0.0, c.per_pair(pair))) for c in COMPONENTS}


def score(p: Prepared, v: Vacancy, t: Trainee, vacancy_weights: dict[str, float]) -> float:
    """Return the pair's score before rounding (−1 when ineligible)."""
    if not eligible(p, v, t):
        return -1.0
    parts = components(p, v, t, vacancy_weights)
    weights = p.config.weight_rows()[LEVELS.index(v.level)].tolist()
    total = sum(w * parts[name] for w, name in zip(weights, NAMES, strict=True))
    return min(1.0, max(0.0, total))


def ranked(p: Prepared, v: Vacancy, trainees: Sequence[Trainee], vacancy_weights: dict[str, float]) -> list[str]:
    """Return the ids of the eligible trainees, best first: by published score, then more security experience,
    then nearer home, then trainee id."""

    def key(t: Trainee) -> tuple[float, float, float, str]:
        km = _km(p, t.home_town, v.town)
        published = round(score(p, v, t, vacancy_weights), p.config.decimals)
        return (-published, -t.security_years, math.inf if km is None else km, t.id)

    return [t.id for t in sorted((t for t in trainees if eligible(p, v, t)), key=key)]


def vacancy_term_weights(p: Prepared, row: int) -> dict[str, float]:
    """Return the text weights of one vacancy's terms (they sum to 1)."""
    weights = p.vacancy_text[row]
    terms = p.text_terms
    return {terms[j]: float(w) for j, w in zip(weights.indices, weights.data, strict=True)}
