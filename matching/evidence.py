"""Skills a trainee holds without listing them, and the people they have led: read from their own record.

A skill is held when it is listed, or shown by a certification held (its implied certifications included),
by a training module passed, or by a past job's title; the rules are data (``skill_evidence.json``, read by
:mod:`matching.taxonomy`). The engine scores the skills held, and the reasons say what shows each one.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from matching.models import Trainee
from matching.normalise import folded
from matching.taxonomy import EvidenceRule, Taxonomy


class Shown(NamedTuple):
    """One thing that shows a skill: a certification held, a training module passed (its grade) or a past job title."""

    kind: Literal["certification", "module", "title"]
    what: str
    grade: float | None = None


def _rule_skills(rules: tuple[EvidenceRule, ...], text: str, whole: bool) -> tuple[str, ...]:
    """Return the skills of the rules one of whose phrases the text contains (`whole`: the text is the phrase)."""
    padded = f" {folded(text)} "
    hit = (lambda p: padded.strip() == p) if whole else (lambda p: f" {p} " in padded)
    return tuple(dict.fromkeys(s for rule in rules if any(hit(p) for p in rule.phrases) for s in rule.skills))


def _read(taxonomy: Taxonomy, kind: str, text: str) -> tuple[str, ...]:
    """Return the skills a module name, a job title or a certificate shows (remembered: the same texts recur)."""
    rules, key = taxonomy.evidence, (kind, text)
    found = rules.memo.get(key)
    if found is None:
        if kind == "module":
            found = _rule_skills(rules.modules, text, True) or _rule_skills(rules.modules, text, False)
        elif kind == "title":
            found = _rule_skills(rules.titles, text, False)
        elif kind == "leads":
            found = ("yes",) if any(f" {p} " in f" {folded(text)} " for p in rules.leadership_titles) else ()
        else:
            implied = sorted(taxonomy.implied_certifications(text))
            found = tuple(dict.fromkeys(s for code in implied for s in rules.certifications.get(code, ())))
        rules.memo[key] = found
    return found


def shown_skills(t: Trainee, taxonomy: Taxonomy) -> dict[str, tuple[Shown, ...]]:
    """Return each skill the trainee's certifications, passed modules and past job titles show, with what shows it."""
    found: dict[str, dict[Shown, None]] = {}
    for code in t.certifications:
        for skill in _read(taxonomy, "certification", code):
            found.setdefault(skill, {})[Shown("certification", code)] = None
    modules = t.training.modules if t.training is not None else {}
    for name, grade in sorted(modules.items()):
        if grade >= taxonomy.evidence.pass_mark:
            for skill in _read(taxonomy, "module", name):
                found.setdefault(skill, {})[Shown("module", name, grade)] = None
    for job in t.experience:
        for skill in _read(taxonomy, "title", job.title):
            found.setdefault(skill, {})[Shown("title", job.title)] = None
    return {skill: tuple(shown) for skill, shown in found.items()}


def held_skills(t: Trainee, taxonomy: Taxonomy, shown: dict[str, tuple[Shown, ...]] | None = None) -> list[str]:
    """Return the skills the trainee holds: those listed, then those their record shows (`shown`, when known)."""
    return list(dict.fromkeys([*t.skills, *(shown_skills(t, taxonomy) if shown is None else shown)]))


def leadership_years(t: Trainee, taxonomy: Taxonomy) -> float:
    """Return the years of the trainee's past jobs whose titles show leading people (chef de poste, superviseur…)."""
    return sum(job.years for job in t.experience if _read(taxonomy, "leads", job.title))
