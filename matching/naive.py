"""A straightforward per-pair implementation of the score, for checking and timing the vectorised one.

It reads the records directly, pair after pair, with plain Python; only the text term weights
(a corpus statistic) are taken from the prepared run. Never use it on a hot path.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from matching.config import COMPONENTS
from matching.geo import EARTH_RADIUS_KM
from matching.models import LANGUAGE_LEVELS, LITERACY_LEVELS, LanguageSkill, Trainee, Vacancy
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


def _grade(t: Trainee) -> float | None:
    if t.training is None:
        return None
    if t.training.overall is not None:
        return t.training.overall
    modules = list(t.training.modules.values())
    return math.fsum(modules) / len(modules) if modules else None


def components(p: Prepared, v: Vacancy, t: Trainee, vacancy_weights: dict[str, float]) -> dict[str, float]:
    """Return every soft component of one pair."""
    cfg = p.config
    held = _held(p, t)
    km = _km(p, t.home_town, v.town)
    site = p.space.taxonomy.town(v.town)
    region = p.space.taxonomy.region(site.region) if site else None
    targets = {x.language: min(LANGUAGE_LEVELS.index(x.level) + 2, 4) for x in v.required_languages}
    for code in region.languages if region else ():
        targets.setdefault(code, cfg.region_language_level)
    late = (t.available_from - v.start_date).days if t.available_from and v.start_date else 0
    grade = _grade(t)
    grade = cfg.missing_grade if grade is None else grade
    terms = _terms(trainee_text(t, p.space.taxonomy))
    values = {
        "skills": sum(s in t.skills for s in v.required_skills) / len(v.required_skills) if v.required_skills else 1.0,
        "preferred_skills": sum(s in t.skills for s in v.preferred_skills) / len(v.preferred_skills)
        if v.preferred_skills
        else 1.0,
        "certifications": sum(c in held for c in v.preferred_certifications) / len(v.preferred_certifications)
        if v.preferred_certifications
        else 1.0,
        "text": sum(w for term, w in vacancy_weights.items() if term in terms),
        "experience": (t.security_years - v.min_experience_years) / cfg.experience_full_years,
        "training": grade / 20.0,
        "proximity": 1.0 if v.town in t.extra_towns else (0.0 if km is None else math.exp(-km / cfg.proximity_scale_km)),
        "availability": 1.0 - max(late, 0) / cfg.lateness_zero_days,
        "level": 1.0 if not t.preferred_levels or v.level in t.preferred_levels else 0.0,
        "shift": 1.0 if v.shift is None or not t.preferred_shifts or v.shift in t.preferred_shifts else 0.0,
        "languages": (
            sum(min(1.0, _level(t.languages, code) / goal) for code, goal in targets.items()) / len(targets) if targets else 1.0
        ),
    }
    return {name: min(1.0, max(0.0, values[name])) for name in COMPONENTS}


def score(p: Prepared, v: Vacancy, t: Trainee, vacancy_weights: dict[str, float]) -> float:
    """Return the pair's score before rounding (−1 when ineligible)."""
    if not eligible(p, v, t):
        return -1.0
    parts = components(p, v, t, vacancy_weights)
    total = sum(w * parts[name] for w, name in zip(p.weights, COMPONENTS, strict=True))
    return min(1.0, max(0.0, total))


def vacancy_term_weights(p: Prepared, row: int) -> dict[str, float]:
    """Return the text weights of one vacancy's terms (they sum to 1)."""
    weights = p.vacancy_text[row]
    terms = p.text_terms
    return {terms[j]: float(w) for j, w in zip(weights.indices, weights.data, strict=True)}
