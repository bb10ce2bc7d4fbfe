"""Human-readable reasons: the failed rules of an ineligible trainee, and what moved a candidate's score."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from matching.components import COMPONENTS
from matching.country import get_pack
from matching.encoding import VacancyArrays, only_preferred
from matching.evidence import Shown
from matching.messages import Lang, label, listed, number, say, years_text
from matching.models import LANGUAGE_LEVELS, LEVELS, LITERACY_LEVELS, SHIFTS, Trainee, Vacancy
from matching.scoring import RULES, Block, Bools, Floats, Prepared

#: A component at or above this value can be named as raising the score; at or below LOW, lowering it.
HIGH, LOW = 0.7, 0.4
MAX_RAISED, MAX_LOWERED = 2, 1


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

    def items(self, vacancies: NDArray[np.intp], trainees: NDArray[np.intp], values: NDArray[np.int32]) -> Keys:
        """Return, per position of the vacancy's list, the trainee's value of that item (`values`: [trainee, column]).

        Positions past the list's end are -1."""
        columns = self.columns[vacancies]
        found = np.where(columns >= 0, values[trainees[:, None], np.maximum(columns, 0)], -1)
        return tuple(found.T)


Keys = tuple[NDArray[Any], ...]
#: What a component's sentence depends on, for (vacancy, trainee) pairs: equal keys, equal sentences.
FactKeys = Callable[[NDArray[np.intp], NDArray[np.intp]], Keys]


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


def _chunked(columns: dict[int, NDArray[Any]], count: int, bits: int, length: int) -> list[NDArray[np.int64]]:
    """Pack small non-negative integers kept by global column (each below 2**bits) into `count`'s worth of int64 columns."""
    per = 62 // bits
    out = [np.zeros(length, dtype=np.int64) for _ in range(max(1, -(-count // per)))]
    for k, column in columns.items():
        out[k // per] |= column.astype(np.int64) << ((k % per) * bits)
    return out


def _one_column(ids: NDArray[np.int64], sizes: list[int]) -> Keys:
    """Return columns of small ids (each in [-1, size - 1)) as one int64 column when their combinations fit, else as they are."""
    if math.prod(sizes) >= 2**62:
        return tuple(ids.T)
    combined = np.zeros(len(ids), dtype=np.int64)
    for r, size in enumerate(sizes):
        combined = combined * size + ids[:, r] + 1
    return (combined,)


def _rule_keys(block: Block, rows: NDArray[np.intp], trainees: NDArray[np.intp]) -> list[Keys]:
    """Return, per rule of RULES, what its sentence depends on for each pair: equal keys, equal sentences, in any block."""
    f, t, v, space = block.failures, block.p.trainees, block.p.vacancies, block.p.space
    vs, n = block.rows.start + rows, len(rows)
    missing = {k: m[rows, trainees] for k, m in f.certifications.items()}
    languages = {  # the level asked and the level spoken (each below 8) of each failed language
        k: np.where(m[rows, trainees], v.required_languages[vs, k] * 8 + t.languages[trainees, k] + 1, 0)
        for k, m in f.languages.items()
    }
    mobility, home = t.mobility[trainees], t.home[trainees].astype(np.int64)
    region = space.towns.region[home].astype(np.int64)
    place = np.select([mobility == 0, (mobility == 1) & (region >= 0), mobility == 1], [home, region, -1 - home], 0)
    return [
        tuple(_chunked(missing, len(space.certifications), 1, n)),
        tuple(_chunked(languages, len(space.languages), 6, n)),
        (mobility, place, v.town[vs]),
        (v.licence[vs],),
        (t.security_years[trainees], v.min_experience[vs]),
        (t.literacy[trainees], v.min_literacy[vs]),
    ]


def _applies(v: VacancyArrays) -> Floats:
    """Return, per vacancy, 1 for each component it gives content to and 0 for those it leaves empty."""
    out = np.ones((len(v), len(COMPONENTS)))
    for c, component in enumerate(COMPONENTS):
        if component.vacancy_field is not None or component.content is not None:
            out[:, c] = [component.applies(record) for record in v.records]
    return out


def _left_empty(records: Sequence[Trainee]) -> Bools:
    """Return, per trainee, True for each component whose wish they left empty ("any level suits me")."""
    out = np.zeros((len(records), len(COMPONENTS)), dtype=bool)
    for c, component in enumerate(COMPONENTS):
        if component.trainee_field is not None:
            out[:, c] = [component.left_empty(record) for record in records]
    return out


class Explainer:
    """Writes reasons for one prepared run in one language."""

    def __init__(self, prepared: Prepared, lang: Lang = "fr") -> None:
        self.p: Prepared = prepared
        self.lang: Lang = lang
        self._vacuous = prepared.trainees.derived("left_empty", lambda: _left_empty(prepared.trainees.records))  # never a reason
        taxonomy = prepared.space.taxonomy
        self.skill_names = {s.code: (s.fr if lang == "fr" else s.en) for s in taxonomy.skills}
        self.language_names = {x.code: (x.fr if lang == "fr" else x.en) for x in taxonomy.languages}
        self._weights = prepared.weights[prepared.vacancies.level] * _applies(prepared.vacancies)
        self._keys = [c.facts(self) for c in COMPONENTS]
        self._memo: dict[tuple[int, bool], dict[tuple[int, ...], str]] = defaultdict(dict)
        self._rule_memo: list[dict[tuple[Any, ...], str]] = [{} for _ in RULES]
        self._head_memo: dict[tuple[int, tuple[str, ...]], list[str]] = {}
        self._shown: dict[str, dict[str, tuple[Shown, ...]]] = {}
        self._held: dict[str, set[str]] = {}

    # ------------------------------------------------------------ ineligible

    def failed_rules(self, block: Block, row: int, trainee: int) -> list[str]:
        """Return one sentence per hard rule (FORMAT.md's six) the trainee fails for the block's vacancy `row`.

        A rule about several items (two missing certifications, two languages) is one sentence naming each.
        """
        written, _ = self.failed_groups(block, np.array([row], dtype=np.intp), np.array([trainee], dtype=np.intp))
        return written[0]

    def failed_groups(
        self, block: Block, rows: NDArray[np.intp], trainees: NDArray[np.intp]
    ) -> tuple[list[list[str]], NDArray[np.intp]]:
        """Return the distinct lists of failed rules of some pairs (block rows, trainees), and each pair's list.

        Each rule's sentence depends on a few numbers (`_rule_keys`); each distinct sentence is written once
        a run, and pairs failing the same sentences share one list.
        """
        keys = _rule_keys(block, rows, trainees)
        ids = np.full((len(rows), len(RULES)), -1, dtype=np.int64)
        written: list[list[str]] = []
        for r, name in enumerate(RULES):
            failing = np.flatnonzero(block.failures.rule_at(name, rows, trainees))
            first, inverse = _distinct(tuple(column[failing] for column in keys[r]))
            facts = zip(*(column[failing[first]].tolist() for column in keys[r]), strict=True)
            pairs = zip(rows[failing[first]].tolist(), trainees[failing[first]].tolist(), strict=True)
            memo = self._rule_memo[r]
            written.append([memo.get(k) or self._write_rule(r, k, block, *pair) for k, pair in zip(facts, pairs, strict=True)])
            ids[failing, r] = inverse
        first, inverse = _distinct(_one_column(ids, [len(w) + 1 for w in written]))
        lists = [[written[r][i] for r, i in enumerate(row) if i >= 0] for row in ids[first].tolist()]
        return lists, inverse

    def _write_rule(self, rule: int, facts: tuple[Any, ...], block: Block, row: int, trainee: int) -> str:
        """Write the sentence of one failed rule (index in RULES) for a pair with these facts, and remember it."""
        f, lang, space = block.failures, self.lang, self.p.space
        v = self.p.vacancies.records[block.rows.start + row]
        t = self.p.trainees.records[trainee]
        name = RULES[rule]
        if name == "certifications":
            missing = [space.certifications.values[k] for k, failed in f.certifications.items() if failed[row, trainee]]
            key = "missing_certification" if len(missing) == 1 else "missing_certifications"
            found = say(key, lang, code=", ".join(missing))
        elif name == "languages":
            codes = [space.languages.values[k] for k, failed in f.languages.items() if failed[row, trainee]]
            found = "; ".join(self._language_reason(code, v, t) for code in codes)
        elif name == "mobility":
            found = self._mobility_reason(v, t)
        elif name == "driving_licence":
            found = say("missing_licence", lang, category=v.driving_licence)
        elif name == "experience":
            have, need = years_text(t.security_years, lang), number(v.min_experience_years, lang)
            found = say("experience_below", lang, have=have, need=need)
        else:
            found = say("literacy_below", lang, have=label(t.literacy, lang), need=label(v.min_literacy or "none", lang))
        self._rule_memo[rule][facts] = found
        return found

    def failure_items(self, block: Block, row: int) -> list[tuple[str, str, Bools]]:
        """Return each hard requirement of the block's vacancy `row`: a stable key, its sentence, and who fails it."""
        f, lang, space = block.failures, self.lang, self.p.space
        v = self.p.vacancies.records[block.rows.start + row]
        items = [(f"certification:{space.certifications.values[k]}",
                  say("missing_certification", lang, code=space.certifications.values[k]), m[row])
                 for k, m in f.certifications.items()]  # fmt: skip
        for k, m in f.languages.items():
            code = space.languages.values[k]
            level = next((x.level for x in v.required_languages if x.language == code), "basic")
            name = self.language_names.get(code, code)
            sentence = say("missing_language", lang, language=name, code=code, level=label(level, lang))
            items.append((f"language:{code}", sentence, m[row]))
        items += [
            ("mobility", say("count_mobility", lang, site=v.town), f.mobility[row]),
            ("licence", say("missing_licence", lang, category=v.driving_licence), f.licence[row]),
            ("experience", say("count_experience", lang, need=years_text(v.min_experience_years, lang)), f.experience[row]),
            ("literacy", say("count_literacy", lang, need=label(v.min_literacy or "none", lang)), f.literacy[row]),
        ]
        return items

    def failure_counts(self, block: Block, row: int) -> list[tuple[str, int]]:
        """Return (requirement, trainees it excludes) for the block's vacancy `row`, commonest first."""
        counts = [(text, int(failed.sum())) for _, text, failed in self.failure_items(block, row)]
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
        return say("outside_mobility_country", self.lang, site=v.town, country=get_pack().name(self.lang))

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
        mismatches = self._mismatches(vacancies, trainees, values, usable)
        raised = _strongest(np.where(usable & ~mismatches & (values >= HIGH), values * weights, -1.0), MAX_RAISED)
        lowered = _strongest(np.where(usable & (values <= LOW), (1 - values) * weights, -1.0), MAX_LOWERED)
        mismatches[np.arange(len(trainees))[:, None], lowered[0]] &= ~lowered[1]  # already named as what lowered it
        extra = _strongest(np.where(mismatches, len(COMPONENTS) - np.arange(len(COMPONENTS)), -1.0), len(COMPONENTS))
        named = np.full((len(trainees), MAX_RAISED + MAX_LOWERED + len(COMPONENTS)), None, dtype=object)
        self._name(named[:, :MAX_RAISED], *raised, True, vacancies, trainees)
        self._name(named[:, MAX_RAISED : MAX_RAISED + MAX_LOWERED], *lowered, False, vacancies, trainees)
        self._name(named[:, MAX_RAISED + MAX_LOWERED :], *extra, False, vacancies, trainees)
        heads = self._heads_of(vacancies, trainees)
        return [head + [x for x in row if x is not None] for head, row in zip(heads, named.tolist(), strict=True)]

    def _mismatches(self, vacancies: NDArray[np.intp], trainees: NDArray[np.intp], values: Floats, usable: Bools) -> Bools:
        """Return, per candidate and component, whether it is a mismatch every reason list names (see `Component.mismatch`)."""
        out = np.zeros(values.shape, dtype=bool)
        for c, component in enumerate(COMPONENTS):
            if component.mismatch is not None:
                out[:, c] = usable[:, c] & component.mismatch(self, vacancies, trainees, values[:, c])
        return out

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
        keys = self._keys[component](vacancies, trainees)
        first, inverse = _distinct(keys)
        facts = zip(*(k[first].tolist() for k in keys), strict=True)
        vs, ts = vacancies[first].tolist(), trainees[first].tolist()
        memo = self._memo[component, high]
        written = [memo.get(f) or self._write(component, high, f, v, t) for f, v, t in zip(facts, vs, ts, strict=True)]
        return np.array(written, dtype=object)[inverse]

    def _write(self, component: int, high: bool, facts: tuple[int, ...], vacancy: int, trainee: int) -> str:
        """Write the sentence of a component for a pair with these facts, and remember it."""
        v, t = self.p.vacancies.records[vacancy], self.p.trainees.records[trainee]
        found = self._memo[component, high][facts] = COMPONENTS[component].reason(self, high, v, t)
        return found

    def _heads_of(self, vacancies: NDArray[np.intp], trainees: NDArray[np.intp]) -> list[list[str]]:
        """Return each candidate's first reasons: the required certifications, each as the candidate holds it."""
        records = self.p.trainees.records
        asking = set(np.flatnonzero(np.any(self.p.vacancies.required_certifications, axis=1)).tolist())
        return [
            self._head(v, records[t].certifications) if v in asking else []
            for v, t in zip(vacancies.tolist(), trainees.tolist(), strict=True)
        ]

    def _head(self, vacancy: int, held: Sequence[str]) -> list[str]:
        """Return the required certifications of a vacancy held by someone listing `held`: a code held as such, or
        the certification held that covers it ("détient SST, qui couvre PSC1 (requis)")."""
        key = (vacancy, tuple(held))
        found = self._head_memo.get(key)
        if found is None:
            implies = self.p.space.implies
            direct, covered = [], []
            for code in self.p.vacancies.records[vacancy].required_certifications:
                if code in held:
                    direct.append(code)
                else:
                    holder = next((c for c in sorted(held) if code in implies.get(c, {c})), code)
                    covered.append(say("holds_required_by", self.lang, held=holder, code=code))
            found = [say("holds_required", self.lang, codes=", ".join(direct))] if direct else []
            found = self._head_memo[key] = found + covered
        return found

    # ------------------------------------------------------------ what the components' facts and reasons use

    def skill_names_of(self, codes: Sequence[str]) -> str:
        """Return the names of some skills in the explainer's language, comma-separated."""
        return ", ".join(self.skill_names.get(c, c) for c in codes)

    @cached_property
    def columns(self) -> dict[str, int]:
        """Return each trainee's column in the prepared run, by id."""
        return {tid: i for i, tid in enumerate(self.p.trainees.ids)}

    @cached_property
    def _skills_held(self) -> Bools:
        t = self.p.trainees
        return t.derived("skills_held", lambda: np.asarray(t.skills.toarray() > 0))

    @cached_property
    def _shown_ids(self) -> NDArray[np.int32]:
        """Return [trainee, skill column]: a number per way a skill not listed is shown, equal for equal ways; 0 when not."""
        return self.p.trainees.derived("shown_ids", self._make_shown_ids)

    def _make_shown_ids(self) -> NDArray[np.int32]:
        out = np.zeros((len(self.p.trainees), len(self.p.space.skills)), dtype=np.int32)
        seen: dict[tuple[Shown, ...], int] = {}
        positions = {code: column for column, code in enumerate(self.p.space.skills.values)}
        rows, columns, ids = [], [], []
        for row, (t, every) in enumerate(zip(self.p.trainees.records, self.p.trainees.shown, strict=True)):
            for skill, shown in every.items():
                if skill not in t.skills and skill in positions:
                    rows.append(row)
                    columns.append(positions[skill])
                    ids.append(seen.setdefault(shown, len(seen) + 1))
        out[rows, columns] = ids
        return out

    def items_held(self, field: str, kind: Literal["skills", "certifications"], *, shown: bool = False) -> FactKeys:
        """Return the facts of a component counting the items of a vacancy's list (`field`) a trainee holds.

        The facts are the vacancy and which of its items the trainee holds (`shown`: and what shows the skills
        the trainee holds without listing them).
        """
        t, v, space = self.p.trainees, self.p.vacancies, self.p.space
        if kind == "skills":
            positions, held = space.skills.positions, self._skills_held
        else:
            positions, held = space.certifications.positions, t.certifications
        lists = [only_preferred(r) if field == "preferred_skills" else getattr(r, field) for r in v.records]
        listed = _Listed.build(lists, positions, held)
        if shown:
            return lambda vs, ts: (vs, listed.pattern(vs, ts), *listed.items(vs, ts, self._shown_ids))
        return lambda vs, ts: (vs, listed.pattern(vs, ts))

    def shown_of(self, t: Trainee) -> dict[str, tuple[Shown, ...]]:
        """Return the skills the trainee's record shows without their listing them, and what shows each."""
        found = self._shown.get(t.id)
        if found is None:
            every = self.p.trainees.shown[self.columns[t.id]]
            found = self._shown[t.id] = {skill: shown for skill, shown in every.items() if skill not in t.skills}
        return found

    def skills_of(self, t: Trainee) -> set[str]:
        """Return the skills the trainee holds: listed, or shown by their record."""
        found = self._held.get(t.id)
        if found is None:
            found = self._held[t.id] = set(t.skills) | set(self.shown_of(t))
        return found

    def shown_text(self, t: Trainee, skills: Sequence[str]) -> str:
        """Return what shows each of some skills the trainee holds without listing them, e.g.
        "sécurité incendie : SSIAP1, module 12,75/20 et poste « Agent SSIAP »" (empty when all are listed)."""
        shown = self.shown_of(t)
        parts = []
        for skill in skills:
            if skill in shown:
                items = listed([self._shown_item(x) for x in shown[skill]], self.lang)
                parts.append(say("shown_skill", self.lang, skill=self.skill_names.get(skill, skill), shown=items))
        return "; ".join(parts)

    def _shown_item(self, x: Shown) -> str:
        if x.kind == "certification":
            return x.what
        if x.kind == "module":
            return say("shown_module", self.lang, grade=number(x.grade or 0.0, self.lang))
        return say("shown_title", self.lang, title=x.what)


__all__ = ["Explainer", "LANGUAGE_LEVELS", "LEVELS", "LITERACY_LEVELS", "SHIFTS"]
