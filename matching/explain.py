"""Human-readable reasons: the failed rules of an ineligible trainee, and what moved a candidate's score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matching.config import COMPONENTS
from matching.messages import Lang, label, number, say
from matching.models import LANGUAGE_LEVELS, LEVELS, LITERACY_LEVELS, SHIFTS, Trainee, Vacancy
from matching.scoring import Block, Floats, Prepared

#: A component at or above this value can be named as raising the score; at or below LOW, lowering it.
HIGH, LOW = 0.7, 0.4
MAX_RAISED, MAX_LOWERED = 2, 1
_LEVEL, _SHIFT = COMPONENTS.index("level"), COMPONENTS.index("shift")


def _strongest(strength: Floats, count: int) -> list[list[int]]:
    """Return, per row, the columns of the `count` largest non-negative values, largest first."""
    order = np.argsort(-strength, axis=1, kind="stable")[:, :count]
    keep = (np.take_along_axis(strength, order, axis=1) >= 0).tolist()
    return [[c for c, k in zip(o, ks, strict=True) if k] for o, ks in zip(order.tolist(), keep, strict=True)]


class Explainer:
    """Writes reasons for one prepared run in one language."""

    def __init__(self, prepared: Prepared, lang: Lang = "fr") -> None:
        self.p = prepared
        self.lang = lang
        self._memo: dict[tuple[object, ...], str] = {}
        # A component the trainee left empty (no preferred level or shift) is never a reason.
        self._vacuous = np.zeros((len(prepared.trainees), len(COMPONENTS)), dtype=bool)
        self._vacuous[:, _LEVEL] = [not t.preferred_levels for t in prepared.trainees.records]
        self._vacuous[:, _SHIFT] = [not t.preferred_shifts for t in prepared.trainees.records]
        taxonomy = prepared.space.taxonomy
        self.skill_names = {s.code: (s.fr if lang == "fr" else s.en) for s in taxonomy.skills}
        self.language_names = {x.code: (x.fr if lang == "fr" else x.en) for x in taxonomy.languages}

    # ------------------------------------------------------------ ineligible

    def failed_rules(self, block: Block, row: int, trainee: int) -> list[str]:
        """Return one sentence per hard rule (FORMAT.md's six) the trainee fails for the block's vacancy `row`.

        A rule about several items (two missing certifications, two languages) is one sentence naming each.
        """
        f, lang = block.failures, self.lang
        v = self.p.vacancies.records[block.rows.start + row]
        t = self.p.trainees.records[trainee]
        space = self.p.space
        reasons = []
        missing = [space.certifications.values[k] for k, failed in f.certifications.items() if failed[row, trainee]]
        if missing:
            key = "missing_certification" if len(missing) == 1 else "missing_certifications"
            reasons.append(say(key, lang, code=", ".join(missing)))
        languages = [
            self._language_reason(space.languages.values[k], v, t) for k, failed in f.languages.items() if failed[row, trainee]
        ]
        if languages:
            reasons.append("; ".join(languages))
        if f.mobility[row, trainee]:
            reasons.append(self._mobility_reason(v, t))
        if f.licence[row, trainee]:
            reasons.append(say("missing_licence", lang, category=v.driving_licence))
        if f.experience[row, trainee]:
            reasons.append(
                say("experience_below", lang, have=number(t.security_years, lang), need=number(v.min_experience_years, lang))
            )
        if f.literacy[row, trainee]:
            reasons.append(say("literacy_below", lang, have=label(t.literacy, lang), need=label(v.min_literacy or "none", lang)))
        return reasons

    def failure_counts(self, block: Block, row: int) -> list[tuple[str, int]]:
        """Return (requirement, trainees it excludes) for the block's vacancy `row`, commonest first."""
        f, lang, space = block.failures, self.lang, self.p.space
        v = self.p.vacancies.records[block.rows.start + row]
        counts = [(say("missing_certification", lang, code=space.certifications.values[k]), int(m[row].sum()))
                  for k, m in f.certifications.items()]  # fmt: skip
        for k, m in f.languages.items():
            code = space.languages.values[k]
            level = next((x.level for x in v.required_languages if x.language == code), "basic")
            name = self.language_names.get(code, code)
            counts.append((say("missing_language", lang, language=name, code=code, level=label(level, lang)), int(m[row].sum())))
        counts += [
            (say("count_mobility", lang, site=v.town), int(f.mobility[row].sum())),
            (say("missing_licence", lang, category=v.driving_licence), int(f.licence[row].sum())),
            (say("count_experience", lang, need=number(v.min_experience_years, lang)), int(f.experience[row].sum())),
            (say("count_literacy", lang, need=label(v.min_literacy or "none", lang)), int(f.literacy[row].sum())),
        ]
        return sorted(((text, n) for text, n in counts if n > 0), key=lambda item: (-item[1], item[0]))

    def _language_reason(self, code: str, v: Vacancy, t: Trainee) -> str:
        asked = next(x.level for x in v.required_languages if x.language == code)
        spoken = next((x.level for x in t.languages if x.language == code), None)
        values = {"language": self.language_names.get(code, code), "code": code, "level": label(asked, self.lang)}
        if spoken is None:
            return say("missing_language", self.lang, **values)
        return say("language_below", self.lang, have=label(spoken, self.lang), **values)

    def _mobility_reason(self, v: Vacancy, t: Trainee) -> str:
        if t.mobility == "town":
            return say(
                "outside_mobility_town",
                self.lang,
                site=v.town,
                home=t.home_town,
                radius=number(self.p.config.mobility_radius_km, self.lang),
            )
        if t.mobility == "region":
            town = self.p.space.taxonomy.town(t.home_town)
            return say("outside_mobility_region", self.lang, site=v.town, region=town.region if town else t.home_town)
        return say("outside_mobility_country", self.lang, site=v.town)

    # ------------------------------------------------------------ candidates

    def candidate_reasons(self, block: Block, row: int, trainees: NDArray[np.intp], values: Floats) -> list[list[str]]:
        """Return, for each candidate of vacancy `row`, what raised and what lowered its score.

        `values` holds the candidates' components (rows: candidates, columns: COMPONENTS order).
        """
        v = self.p.vacancies.records[block.rows.start + row]
        weights = self.p.weights * self._applies(v)
        usable = (weights > 0)[None, :] & ~self._vacuous[trainees]
        up = _strongest(np.where(usable & (values >= HIGH), values * weights, -1.0), MAX_RAISED)
        down = _strongest(np.where(usable & (values <= LOW), (1 - values) * weights, -1.0), MAX_LOWERED)
        head = [say("holds_required", self.lang, codes=", ".join(v.required_certifications))] if v.required_certifications else []
        records = self.p.trainees.records
        reason = self._reason
        return [
            [*head, *(reason(c, True, v, records[t]) for c in ups), *(reason(c, False, v, records[t]) for c in downs)]
            for t, ups, downs in zip(trainees.tolist(), up, down, strict=True)
        ]

    def _reason(self, component: int, high: bool, v: Vacancy, t: Trainee) -> str:
        name = COMPONENTS[component]
        key = (name, high, *self._facts(name, v, t))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._component_reason(name, high, v, t)
        return found

    @staticmethod
    def _facts(name: str, v: Vacancy, t: Trainee) -> tuple[object, ...]:
        """Return what a component's sentence depends on, so equal sentences are written once."""
        if name in ("experience", "training"):
            return (t.id,)
        if name == "proximity":
            return (t.home_town, v.town, v.town in t.extra_towns)
        if name in ("level", "shift"):
            return (v.level, v.shift, tuple(t.preferred_levels), tuple(t.preferred_shifts))
        if name in ("text", "languages"):
            return (v.id,)
        if name == "availability":
            return (t.available_from, v.start_date)
        return (v.id, t.id)

    @staticmethod
    def _applies(v: Vacancy) -> NDArray[np.float64]:
        """Return 1 for each component the vacancy gives content to, 0 for those it leaves empty."""
        empty = {
            "skills": not v.required_skills,
            "preferred_skills": not v.preferred_skills,
            "certifications": not v.preferred_certifications,
            "availability": v.start_date is None,
            "shift": v.shift is None,
        }
        return np.array([0.0 if empty.get(c, False) else 1.0 for c in COMPONENTS])

    def _names(self, codes: Sequence[str]) -> str:
        return ", ".join(self.skill_names.get(c, c) for c in codes)

    def _component_reason(self, name: str, high: bool, v: Vacancy, t: Trainee) -> str:  # noqa: C901
        lang, side = self.lang, "high" if high else "low"
        if name == "skills":
            if high:
                hits = sum(s in t.skills for s in v.required_skills)
                return (
                    say("skills_high", lang, hits=hits, total=len(v.required_skills))
                    if v.required_skills
                    else say("text_high", lang)
                )
            return say("skills_low", lang, names=self._names([s for s in v.required_skills if s not in t.skills]))
        if name == "preferred_skills":
            chosen = [s for s in v.preferred_skills if (s in t.skills) == high]
            return say(f"preferred_skills_{side}", lang, names=self._names(chosen or v.preferred_skills))
        if name == "certifications":
            held = set().union(*(self.p.space.implies.get(c, {c}) for c in t.certifications))
            chosen = [c for c in v.preferred_certifications if (c in held) == high]
            return say(f"certifications_{side}", lang, codes=", ".join(chosen or v.preferred_certifications))
        if name == "experience":
            return say(f"experience_{side}", lang, years=number(t.security_years, lang))
        if name == "training":
            grade = t.training.overall if t.training else None
            return say("training_none", lang) if grade is None else say(f"training_{side}", lang, grade=number(grade, lang))
        if name == "proximity":
            return self._proximity_reason(v, t)
        if name == "availability":
            late = (t.available_from - v.start_date).days if t.available_from and v.start_date else 0
            return say("availability_high", lang) if high else say("availability_low", lang, days=late)
        if name == "level":
            levels = ", ".join(label(x, lang) for x in t.preferred_levels) or label(v.level, lang)
            return say("level_high", lang, level=label(v.level, lang)) if high else say("level_low", lang, levels=levels)
        if name == "shift":
            shift = label(v.shift or "day", lang)
            return (
                say("shift_high", lang, shift=shift)
                if high
                else say("shift_low", lang, shifts=", ".join(label(x, lang) for x in t.preferred_shifts))
            )
        if name == "languages":
            codes = [x.language for x in v.required_languages] or self._region_languages(v)
            return say(f"languages_{side}", lang, names=", ".join(self.language_names.get(c, c) for c in codes))
        return say(f"text_{side}", lang)

    def _region_languages(self, v: Vacancy) -> list[str]:
        town = self.p.space.taxonomy.town(v.town)
        region = self.p.space.taxonomy.region(town.region) if town else None
        return list(region.languages) if region else []

    def _proximity_reason(self, v: Vacancy, t: Trainee) -> str:
        towns = self.p.space.towns
        if v.town in t.extra_towns and v.town != t.home_town:
            return say("proximity_extra", self.lang, site=v.town)
        km = towns.distance_km[towns.positions[t.home_town], towns.positions[v.town]]
        if np.isnan(km):
            return say("proximity_unknown", self.lang)
        if km < 1:
            return say("proximity_same", self.lang, site=v.town)
        return say("proximity_km", self.lang, km=int(round(km)))


__all__ = ["Explainer", "LANGUAGE_LEVELS", "LEVELS", "LITERACY_LEVELS", "SHIFTS"]
