"""Human-readable reasons: the failed rules of an ineligible trainee, and what moved a candidate's score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from matching.config import COMPONENTS
from matching.messages import Lang, label, number, say
from matching.models import LANGUAGE_LEVELS, LEVELS, LITERACY_LEVELS, SHIFTS, Trainee, Vacancy
from matching.scoring import Block, Prepared

#: A component at or above this value can be named as raising the score; at or below LOW, lowering it.
HIGH, LOW = 0.7, 0.4
MAX_RAISED, MAX_LOWERED = 2, 1
_LEVEL, _SHIFT = COMPONENTS.index("level"), COMPONENTS.index("shift")


class Explainer:
    """Writes reasons for one prepared run in one language."""

    def __init__(self, prepared: Prepared, lang: Lang = "fr") -> None:
        self.p = prepared
        self.lang = lang
        taxonomy = prepared.space.taxonomy
        self.skill_names = {s.code: (s.fr if lang == "fr" else s.en) for s in taxonomy.skills}
        self.language_names = {x.code: (x.fr if lang == "fr" else x.en) for x in taxonomy.languages}

    # ------------------------------------------------------------ ineligible

    def failed_rules(self, block: Block, row: int, trainee: int) -> list[str]:
        """Return one sentence per hard rule the trainee fails for the block's vacancy `row`."""
        f, lang = block.failures, self.lang
        v = self.p.vacancies.records[block.rows.start + row]
        t = self.p.trainees.records[trainee]
        space = self.p.space
        reasons = [
            say("missing_certification", lang, code=space.certifications.values[k])
            for k, failed in f.certifications.items()
            if failed[row, trainee]
        ]
        reasons += [
            self._language_reason(space.languages.values[k], v, t) for k, failed in f.languages.items() if failed[row, trainee]
        ]
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

    def candidate_reasons(self, block: Block, row: int, trainees: NDArray[np.intp]) -> list[list[str]]:
        """Return, for each candidate of vacancy `row`, what raised and what lowered its score."""
        v = self.p.vacancies.records[block.rows.start + row]
        values = np.stack([block.components[c][row, trainees] for c in COMPONENTS], axis=1)
        weights = self.p.weights * self._applies(v)
        raised = np.argsort(-(values * weights), axis=1, kind="stable")
        lowered = np.argsort(-((1 - values) * weights), axis=1, kind="stable")
        head = [say("holds_required", self.lang, codes=", ".join(v.required_certifications))] if v.required_certifications else []
        out = []
        for i, trainee in enumerate(trainees):
            t = self.p.trainees.records[int(trainee)]
            skip = {_LEVEL} if not t.preferred_levels else set()
            skip |= {_SHIFT} if not t.preferred_shifts else set()
            up = [c for c in raised[i] if weights[c] > 0 and values[i, c] >= HIGH and c not in skip][:MAX_RAISED]
            down = [c for c in lowered[i] if weights[c] > 0 and values[i, c] <= LOW and c not in skip][:MAX_LOWERED]
            out.append(head + [self._component_reason(COMPONENTS[c], values[i, c] >= HIGH, v, t) for c in (*up, *down)])
        return out

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
