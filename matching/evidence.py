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

Kind = Literal["certification", "module", "title"]


class Shown(NamedTuple):
    """One thing that shows a skill: a certification held, a training module passed (its grade) or a past job title."""

    kind: Kind
    what: str
    grade: float | None = None


#: One thing a trainee has, and the skills it shows.
Showing = tuple[Shown, tuple[str, ...]]


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


def _shown(taxonomy: Taxonomy, kind: Kind, what: str, grade: float | None = None) -> Showing:
    """Return one thing that shows skills and the skills it shows (remembered: the same items recur in every file)."""
    key = (kind, what, grade)
    found = taxonomy.evidence.shown.get(key)
    if found is None:
        found = taxonomy.evidence.shown[key] = (Shown(kind, what, grade), _read(taxonomy, kind, what))
    return found


def shown_skills(t: Trainee, taxonomy: Taxonomy) -> dict[str, tuple[Shown, ...]]:
    """Return each skill the trainee's certifications, passed modules and past job titles show, with what shows it."""
    items = [_shown(taxonomy, "certification", code) for code in t.certifications]
    modules = t.training.modules if t.training is not None else {}
    pass_mark = taxonomy.evidence.pass_mark
    items += [_shown(taxonomy, "module", n, g) for n, g in sorted(modules.items()) if g >= pass_mark]
    items += [_shown(taxonomy, "title", job.title) for job in t.experience]
    found: dict[str, list[Shown]] = {}
    for shown, skills in items:
        for skill in skills:
            listed = found.get(skill)
            if listed is None:
                found[skill] = [shown]
            elif shown not in listed:
                listed.append(shown)
    return {skill: tuple(shown) for skill, shown in found.items()}


def held_skills(t: Trainee, taxonomy: Taxonomy, shown: dict[str, tuple[Shown, ...]] | None = None) -> list[str]:
    """Return the skills the trainee holds: those listed, then those their record shows (`shown`, when known)."""
    return list(dict.fromkeys([*t.skills, *(shown_skills(t, taxonomy) if shown is None else shown)]))


def leadership_years(t: Trainee, taxonomy: Taxonomy) -> float:
    """Return the years of the trainee's past jobs whose titles show leading people (chef de poste, superviseur…)."""
    return sum(job.years for job in t.experience if _read(taxonomy, "leads", job.title))
