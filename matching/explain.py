"""Human-readable reasons: the failed rules of an ineligible trainee, and what moved a candidate's score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching.config import COMPONENTS
from matching.encoding import NO_DATE, VacancyArrays, training_grade
from matching.messages import Lang, label, number, say
from matching.models import LANGUAGE_LEVELS, LEVELS, LITERACY_LEVELS, SHIFTS, Trainee, Vacancy
from matching.scoring import Block, Bools, Floats, Prepared

#: A component at or above this value can be named as raising the score; at or below LOW, lowering it.
HIGH, LOW = 0.7, 0.4
MAX_RAISED, MAX_LOWERED = 2, 1
_LEVEL, _SHIFT = COMPONENTS.index("level"), COMPONENTS.index("shift")


def _strongest(strength: Floats, count: int) -> tuple[NDArray[np.intp], Bools]:
    """Return, per row, the columns of the `count` largest values, largest first, and which of them are non-negative."""
    order = np.argsort(-strength, axis=1, kind="stable")[:, :count]
    return order, np.take_along_axis(strength, order, axis=1) >= 0


@dataclass
class _Listed:
    """One list of every vacancy (its required skills, say) and which of its items each trainee holds."""

    columns: NDArray[np.intp]  # [vacancy, position in its list] column of `held`; -1 past the list's end
    held: Bools  # [trainee, column]

    @classmethod
    def build(cls, lists: Sequence[Sequence[str]], positions: dict[str, int], held: Bools) -> _Listed:
        """Index each vacancy's list (codes) by the columns of `held`."""
        columns = np.full((len(lists), max(map(len, lists), default=0)), -1, dtype=np.intp)
        for row, codes in enumerate(lists):
            columns[row, : len(codes)] = [positions[code] for code in codes]
        return cls(columns, held)

    def pattern(self, vacancies: NDArray[np.intp], trainees: NDArray[np.intp]) -> NDArray[np.int64]:
        """Return a number per pair that tells which items of the vacancy's list the trainee holds.

        Bit i is set when the trainee holds item i. Lists too long for 62 bits give the trainee instead
        (as -1 - trainee), which tells it as well: it just groups fewer pairs.
        """
        columns = self.columns[vacancies]
        if columns.shape[1] > 62:
            return -1 - trainees.astype(np.int64)
        hits = self.held[trainees[:, None], np.maximum(columns, 0)] & (columns >= 0)
        return hits.astype(np.int64) @ (np.int64(1) << np.arange(columns.shape[1], dtype=np.int64))


Keys = tuple[NDArray[Any], ...]
#: What a component's sentence depends on, for (vacancy, trainee) pairs: equal keys, equal sentences.
FactKeys = Callable[[NDArray[np.intp], NDArray[np.intp]], Keys]


def _ids(items: Sequence[Hashable]) -> NDArray[np.intp]:
    """Return a number per item, equal for equal items."""
    seen: dict[Hashable, int] = {}
    return np.array([seen.setdefault(x, len(seen)) for x in items], dtype=np.intp)


def _distinct(columns: Keys) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Group the pairs with equal values in every column: return one pair of each group, and each pair's group."""
    order = np.lexsort(columns)
    starts = np.zeros(len(order), dtype=bool)
    starts[:1] = True
    for column in columns:
        ordered = column[order]
        starts[1:] |= ordered[1:] != ordered[:-1]
    inverse = np.empty_like(order)
    inverse[order] = np.cumsum(starts) - 1
    return order[starts], inverse


def _applies(v: VacancyArrays) -> Floats:
    """Return, per vacancy, 1 for each component it gives content to and 0 for those it leaves empty."""
    empty = {
        "skills": np.diff(v.required_skills.indptr) == 0,
        "preferred_skills": np.diff(v.preferred_skills.indptr) == 0,
        "certifications": ~v.preferred_certifications.any(axis=1),
        "availability": v.start_date == NO_DATE,
        "shift": v.shift < 0,
    }
    out = np.ones((len(v), len(COMPONENTS)))
    for name, rows in empty.items():
        out[rows, COMPONENTS.index(name)] = 0.0
    return out


class Explainer:
    """Writes reasons for one prepared run in one language."""

    def __init__(self, prepared: Prepared, lang: Lang = "fr") -> None:
        self.p = prepared
        self.lang = lang
        # A component the trainee left empty (no preferred level or shift) is never a reason.
        self._vacuous = np.zeros((len(prepared.trainees), len(COMPONENTS)), dtype=bool)
        self._vacuous[:, _LEVEL] = [not t.preferred_levels for t in prepared.trainees.records]
        self._vacuous[:, _SHIFT] = [not t.preferred_shifts for t in prepared.trainees.records]
        taxonomy = prepared.space.taxonomy
        self.skill_names = {s.code: (s.fr if lang == "fr" else s.en) for s in taxonomy.skills}
        self.language_names = {x.code: (x.fr if lang == "fr" else x.en) for x in taxonomy.languages}
        self._weights = prepared.weights[None, :] * _applies(prepared.vacancies)
        self._keys = self._fact_keys()
        self._memo: dict[tuple[int, bool], dict[tuple[int, ...], str]] = defaultdict(dict)
        self._heads: dict[int, list[str]] = {}

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
        return self.block_reasons(block, np.full(len(trainees), row, dtype=np.intp), trainees, values)

    def block_reasons(self, block: Block, rows: NDArray[np.intp], trainees: NDArray[np.intp], values: Floats) -> list[list[str]]:
        """Return, for each candidate (a row of the block and a trainee), what raised and what lowered its score.

        `values` holds the candidates' components (rows: candidates, columns: COMPONENTS order). The
        components named are chosen for all candidates at once; each distinct sentence is written once.
        """
        vacancies = block.rows.start + rows
        weights = self._weights[vacancies]
        usable = (weights > 0) & ~self._vacuous[trainees]
        raised = _strongest(np.where(usable & (values >= HIGH), values * weights, -1.0), MAX_RAISED)
        lowered = _strongest(np.where(usable & (values <= LOW), (1 - values) * weights, -1.0), MAX_LOWERED)
        named = np.full((len(trainees), MAX_RAISED + MAX_LOWERED), None, dtype=object)
        self._name(named[:, :MAX_RAISED], *raised, True, vacancies, trainees)
        self._name(named[:, MAX_RAISED:], *lowered, False, vacancies, trainees)
        heads = {v: self._head(v) for v in np.unique(vacancies).tolist()}
        return [heads[v] + [x for x in row if x is not None] for v, row in zip(vacancies.tolist(), named.tolist(), strict=True)]

    def _name(
        self,
        out: NDArray[np.object_],
        order: NDArray[np.intp],
        keep: Bools,
        high: bool,
        vacancies: NDArray[np.intp],
        trainees: NDArray[np.intp],
    ) -> None:
        """Write into `out` (candidates × slots) the sentence of each kept component of `order` (same shape)."""
        rows, slots = np.nonzero(keep)
        components = order[rows, slots]
        for component in np.unique(components).tolist():
            chosen = components == component
            r = rows[chosen]
            out[r, slots[chosen]] = self._sentences(component, high, vacancies[r], trainees[r])

    def _sentences(
        self, component: int, high: bool, vacancies: NDArray[np.intp], trainees: NDArray[np.intp]
    ) -> NDArray[np.object_]:
        """Return one component's sentence for each (vacancy, trainee) pair, writing each distinct one once."""
        keys = self._keys[COMPONENTS[component]](vacancies, trainees)
        first, inverse = _distinct(keys)
        facts = zip(*(k[first].tolist() for k in keys), strict=True)
        vs, ts = vacancies[first].tolist(), trainees[first].tolist()
        memo = self._memo[component, high]
        written = [memo.get(f) or self._write(component, high, f, v, t) for f, v, t in zip(facts, vs, ts, strict=True)]
        return np.array(written, dtype=object)[inverse]

    def _write(self, component: int, high: bool, facts: tuple[int, ...], vacancy: int, trainee: int) -> str:
        """Write the sentence of a component for a pair with these facts, and remember it."""
        v, t = self.p.vacancies.records[vacancy], self.p.trainees.records[trainee]
        found = self._memo[component, high][facts] = self._component_reason(COMPONENTS[component], high, v, t)
        return found

    def _head(self, vacancy: int) -> list[str]:
        """Return the reasons every candidate of a vacancy shares: the required certifications it holds."""
        found = self._heads.get(vacancy)
        if found is None:
            codes = self.p.vacancies.records[vacancy].required_certifications
            found = self._heads[vacancy] = [say("holds_required", self.lang, codes=", ".join(codes))] if codes else []
        return found

    def _fact_keys(self) -> dict[str, FactKeys]:
        """Return, per component, what its sentence depends on, as numbers per (vacancy, trainee) pair.

        Pairs with equal numbers get equal sentences, so a sentence is written once per distinct numbers.
        """
        t, v, space = self.p.trainees, self.p.vacancies, self.p.space
        skills_held = np.asarray(t.skills.toarray() > 0)
        skills, certifications = space.skills.positions, space.certifications.positions
        required = _Listed.build([r.required_skills for r in v.records], skills, skills_held)
        preferred = _Listed.build([r.preferred_skills for r in v.records], skills, skills_held)
        certified = _Listed.build([r.preferred_certifications for r in v.records], certifications, t.certifications)
        preferences = _ids([(tuple(x.preferred_levels), tuple(x.preferred_shifts)) for x in t.records])

        def trainee(_: NDArray[np.intp], ts: NDArray[np.intp]) -> Keys:
            return (ts,)

        def vacancy(vs: NDArray[np.intp], _: NDArray[np.intp]) -> Keys:
            return (vs,)

        def proximity(vs: NDArray[np.intp], ts: NDArray[np.intp]) -> Keys:
            site = v.town[vs]
            return t.home[ts], site, np.asarray(t.extra_towns[ts, site]).reshape(-1) > 0

        def preferred_fit(vs: NDArray[np.intp], ts: NDArray[np.intp]) -> Keys:
            return v.level[vs], v.shift[vs], preferences[ts]

        return {
            "skills": lambda vs, ts: (vs, required.pattern(vs, ts)),
            "preferred_skills": lambda vs, ts: (vs, preferred.pattern(vs, ts)),
            "certifications": lambda vs, ts: (vs, certified.pattern(vs, ts)),
            "text": vacancy,
            "experience": trainee,
            "training": trainee,
            "proximity": proximity,
            "availability": lambda vs, ts: (t.available_from[ts], v.start_date[vs]),
            "level": preferred_fit,
            "shift": preferred_fit,
            "languages": vacancy,
        }

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
            grade = training_grade(t)
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
