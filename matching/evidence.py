"""Skills a trainee holds without listing them, and the people they have led: read from their own record.

A skill is held when it is listed, or shown by a certification held (its implied certifications included),
by a training module passed, or by a past job's title; the rules are data (``skill_evidence.json``, read by
:mod:`matching.taxonomy`). The engine scores the skills held, and the reasons say what shows each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from matching.models import Trainee
from matching.normalise import folded
from matching.taxonomy import EvidenceRule, Taxonomy


@dataclass(frozen=True)
class Shown:
    """One thing that shows a skill: a certification held, a training module passed (its grade) or a past job title."""

    kind: Literal["certification", "module", "title"]
    what: str
    grade: float | None = None


@lru_cache(maxsize=8192)
def _rule_skills(rules: tuple[EvidenceRule, ...], text: str, whole: bool) -> tuple[str, ...]:
    """Return the skills of the rules one of whose phrases the text contains (`whole`: the text is the phrase)."""
    padded = f" {folded(text)} "
    hit = (lambda p: padded.strip() == p) if whole else (lambda p: f" {p} " in padded)
    return tuple(dict.fromkeys(s for rule in rules if any(hit(p) for p in rule.phrases) for s in rule.skills))


def module_skills(rules: tuple[EvidenceRule, ...], module: str) -> tuple[str, ...]:
    """Return the skills passing a training module shows: its name (folded) is one of a rule's names, or contains one."""
    return _rule_skills(rules, module, True) or _rule_skills(rules, module, False)


def shown_skills(t: Trainee, taxonomy: Taxonomy) -> dict[str, tuple[Shown, ...]]:
    """Return each skill the trainee's certifications, passed modules and past job titles show, with what shows it."""
    rules = taxonomy.evidence
    found: dict[str, dict[Shown, None]] = {}
    for code in t.certifications:
        for implied in sorted(taxonomy.implied_certifications(code)):
            for skill in rules.certifications.get(implied, ()):
                found.setdefault(skill, {})[Shown("certification", code)] = None
    modules = t.training.modules if t.training is not None else {}
    for name, grade in sorted(modules.items()):
        if grade >= rules.pass_mark:
            for skill in module_skills(rules.modules, name):
                found.setdefault(skill, {})[Shown("module", name, grade)] = None
    for job in t.experience:
        for skill in _rule_skills(rules.titles, job.title, False):
            found.setdefault(skill, {})[Shown("title", job.title)] = None
    return {skill: tuple(shown) for skill, shown in found.items()}


def held_skills(t: Trainee, taxonomy: Taxonomy) -> list[str]:
    """Return the skills the trainee holds: those listed, then those their record shows."""
    return list(dict.fromkeys([*t.skills, *shown_skills(t, taxonomy)]))


def leadership_years(t: Trainee, taxonomy: Taxonomy) -> float:
    """Return the years of the trainee's past jobs whose titles show leading people (chef de poste, superviseur…)."""
    phrases = taxonomy.evidence.leadership_titles
    return sum(job.years for job in t.experience if any(f" {p} " in f" {folded(job.title)} " for p in phrases))
