"""Realistic synthetic trainees and vacancies, as exchange-format records, for demos, tests and benchmarks.

Attributes are drawn with numpy, one seeded generator per table and column family, so that they correlate as
in life: more security experience (often earned in France) goes with more certifications and better
literacy; managers ask for more experience and better French than guards. The free text is then written
the way real spreadsheets write it: accents missing, capitals, spelling variants from the gazetteer, a
typo here and there, codes instead of names, and a small share of values the taxonomy does not know.

Towns, skills, certifications, languages and the minimum wage all come from the taxonomy; the scenario
(how common each certification is, which sites employ guards, name lists) is data too, in
``matching/data/synth.json``; a country pack's own ``synth.json`` replaces its local tables (phone prefixes, family
names, where people worked, outlying places) for that country (:func:`local`). Dates count from a fixed base date so
that a seed always gives the same records.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from matching import exchange
from matching.country import active_country, get_pack, read_pack_file
from matching.gcpause import paused_gc
from matching.models import LEVELS, LITERACY_LEVELS, MOBILITIES, SHIFTS
from matching.normalise import Vocabulary, get_vocabularies
from matching.taxonomy import Taxonomy, get_taxonomy

T = TypeVar("T")
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Record = dict[str, Any]

#: Dates are drawn within HORIZON_DAYS after this fixed day, never from today, so output is reproducible.
BASE_DATE = date(2027, 1, 1)
HORIZON_DAYS = 90


def _scenario() -> dict[str, Any]:
    """Read the scenario's tables (``matching/data/synth.json``)."""
    raw: dict[str, Any] = json.loads(resources.files("matching").joinpath("data", "synth.json").read_text("utf-8"))
    return raw


def _pairs(table: dict[str, Any]) -> tuple[tuple[Any, Any], ...]:
    """Return a table {item: share} as (item, share) pairs, in its order."""
    return tuple(table.items())


def _rows(table: dict[str, dict[str, float]], keys: Sequence[str], columns: Sequence[str]) -> tuple[tuple[float, ...], ...]:
    """Return the rows `keys` of a table of shares, each as its values in the order of `columns`."""
    return tuple(tuple(table[k][c] for c in columns) for k in keys)


_SCENARIO = _scenario()
_TRAINEES, _VACANCIES = _SCENARIO["trainees"], _SCENARIO["vacancies"]

LEVEL_SHARES: tuple[float, ...] = tuple(_SCENARIO["level_shares"][lv] for lv in LEVELS)
#: Share of free-text items replaced by something the taxonomy does not know, as real files have.
UNKNOWN_SHARE: float = _SCENARIO["unknown_share"]
#: How often skills come up in profiles and vacancies; unlisted skills weigh 1.
SKILL_POPULARITY: dict[str, float] = _SCENARIO["skill_popularity"]

# ---------------------------------------------------------------- the trainees' scenario

MOBILITY_SHARES: tuple[float, ...] = tuple(_TRAINEES["mobility_shares"][m] for m in MOBILITIES)
EDUCATIONS: tuple[str, ...] = tuple(_TRAINEES["education_shares"][LEVELS[0]])
#: Education shares by level (rows: guard, supervisor, manager).
EDUCATION_SHARES = _rows(_TRAINEES["education_shares"], LEVELS, EDUCATIONS)
#: Literacy shares (none, basic, functional, fluent) by education.
LITERACY_SHARES = _rows(_TRAINEES["literacy_shares"], EDUCATIONS, LITERACY_LEVELS)
COHORT_YEARS: tuple[tuple[int, float], ...] = tuple((int(year), share) for year, share in _TRAINEES["cohort_years"].items())
CORE_MODULES: tuple[str, ...] = tuple(_TRAINEES["core_modules"])
EXTRA_MODULES: tuple[str, ...] = tuple(_TRAINEES["extra_modules"])
UNKNOWN_SKILLS: tuple[str, ...] = tuple(_TRAINEES["unknown_skills"])
UNKNOWN_CERTIFICATIONS: tuple[str, ...] = tuple(_TRAINEES["unknown_certifications"])
SPOKEN_CERTIFICATIONS = frozenset(_TRAINEES["spoken_certifications"])  # named in summaries
MALE_NAMES: tuple[str, ...] = tuple(_TRAINEES["male_names"])
FEMALE_NAMES: tuple[str, ...] = tuple(_TRAINEES["female_names"])
OTHER_JOBS: tuple[str, ...] = tuple(_TRAINEES["other_jobs"])
#: Languages learnt working abroad: (countries, language).
LANGUAGES_ABROAD: tuple[tuple[frozenset[str], str], ...] = tuple(
    (frozenset(countries), code) for code, countries in _TRAINEES["languages_abroad"].items()
)
#: Security job titles by level, most common first: (title, certification the title implies, share).
TITLES: dict[str, tuple[tuple[str, str | None, float], ...]] = {
    level: tuple((title, cert, share) for title, cert, share in rows) for level, rows in _TRAINEES["titles"].items()
}
LEVEL_WORDS: dict[str, str] = _TRAINEES["level_words"]
NEWCOMER_SENTENCES: tuple[str, ...] = tuple(_TRAINEES["newcomer_sentences"])

#: The monthly minimum wage the scenario's pay figures are written for (Mali's SMIG); a country with another minimum
#: wage has its pay bands scaled by the ratio.
SCENARIO_MINIMUM_WAGE = 40_000


@dataclass(frozen=True)
class Local:
    """The scenario's tables that depend on the country: the shared scenario's (Mali's), or its pack's synth.json."""

    phone_prefixes: tuple[str, ...]
    #: Family names by the first language of the home region; the first list is the fallback.
    family_names: dict[str, tuple[str, ...]]
    in_country: dict[str, str]
    security_countries: tuple[tuple[str, float], ...]
    other_countries: tuple[tuple[str, float], ...]
    #: Villages on the edge of towns that people write instead of the town, and the gazetteer does not list.
    outlying_places: dict[str, tuple[str, ...]]
    #: The language most people speak besides their own (Bambara in Mali, Wolof in Senegal).
    lingua_franca: str
    employer_names: tuple[str, ...]


def local() -> Local:
    """Return the active country's local tables."""
    return _local(active_country())


@cache
def _local(country: str) -> Local:
    overlay: dict[str, Any] = read_pack_file(country, "synth.json") or {}
    trainees = {**_TRAINEES, **overlay.get("trainees", {})}
    places = overlay.get("outlying_places", _SCENARIO["outlying_places"])
    return Local(
        phone_prefixes=tuple(trainees["phone_prefixes"]),
        family_names={group: tuple(names) for group, names in trainees["family_names"].items()},
        in_country=trainees["in_country"],
        security_countries=_pairs(trainees["security_countries"]),
        other_countries=_pairs(trainees["other_countries"]),
        outlying_places={town: tuple(names) for town, names in places.items()},
        lingua_franca=trainees.get("lingua_franca", "bm"),
        employer_names=tuple(overlay.get("vacancies", {}).get("employer_names", _VACANCIES["employer_names"])),
    )


# ---------------------------------------------------------------- the vacancies' scenario

#: Unknown skills an employer might still write on a security vacancy (a gardien often keeps the garden too).
UNKNOWN_ASKED_SKILLS: tuple[str, ...] = tuple(_VACANCIES["unknown_skills"])
#: Shares of the minimum literacy asked (absent, none, basic, functional, fluent) by level.
LITERACY_MIN_SHARES: dict[str, tuple[float, ...]] = dict(
    zip(LEVELS, _rows(_VACANCIES["min_literacy_shares"], LEVELS, ("absent", *LITERACY_LEVELS)), strict=True)
)
MIN_EXPERIENCE: dict[str, tuple[tuple[float, float], ...]] = {
    level: tuple((years, share) for years, share in rows) for level, rows in _VACANCIES["min_experience"].items()
}
#: The chance of asking one certification, then which, by level.
REQUIRED_CERT: dict[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    level: (row["chance"], _pairs(row["which"])) for level, row in _VACANCIES["required_certification"].items()
}
PREFERRED_CERTS: tuple[tuple[str, float], ...] = _pairs(_VACANCIES["preferred_certifications"])
LICENCE_SHARE: dict[str, float] = _VACANCIES["licence_share"]
FRENCH_ASKED: dict[str, float] = _VACANCIES["french_asked"]  # share of vacancies asking French
SHIFT_SENTENCES: dict[str, str] = _VACANCIES["shift_sentences"]
#: Shares of each shift (day, night, rotating) by level; the rest gives none.
SHIFT_SHARES: dict[str, tuple[float, ...]] = dict(zip(LEVELS, _rows(_VACANCIES["shift_shares"], LEVELS, SHIFTS), strict=True))
#: Shares of 1, 2 … seats by level.
SEAT_SHARES: tuple[tuple[float, ...], ...] = tuple(tuple(_VACANCIES["seat_shares"][lv]) for lv in LEVELS)


@dataclass(frozen=True)
class Site:
    """A kind of site that employs security staff, with the skill it calls for."""

    key: str
    title: str
    phrase: str
    skill: str | None
    weight: float
    mining: bool = False


SITES: tuple[Site, ...] = tuple(Site(**row) for row in _VACANCIES["sites"])
MINING_TOWN_SHARE: float = _VACANCIES["mining_town_share"]  # vacancies placed at the gazetteer's mining sites
EMPLOYER_WORDS: tuple[str, ...] = tuple(_VACANCIES["employer_words"])
EMPLOYER_TAILS: tuple[str, ...] = tuple(_VACANCIES["employer_tails"])


# ---------------------------------------------------------------- a stream of small random choices


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Items with cumulative weights, for quick weighted picks."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]


def weighted(pairs: Iterable[tuple[T, float]]) -> Weighted[T]:
    """Return items with their cumulative weights, dropping those of weight zero."""
    kept = [(item, w) for item, w in pairs if w > 0]
    total, cumulative = 0.0, []
    for _, w in kept:
        total += w
        cumulative.append(total)
    return Weighted(tuple(item for item, _ in kept), tuple(cumulative))


#: What trainees of each (latent) level say they want: mostly their own level, sometimes any.
LEVEL_PREFERENCES = {
    level: weighted((tuple(levels), share) for levels, share in rows) for level, rows in _TRAINEES["level_preferences"].items()
}
#: The French level a vacancy asks, when it asks French at all.
FRENCH_LEVEL_ASKED = {level: weighted(_pairs(row)) for level, row in _VACANCIES["french_level_asked"].items()}
SHIFT_PREFERENCES = weighted((tuple(shifts), share) for shifts, share in _TRAINEES["shift_preferences"])


class Dice:
    """Uniform numbers drawn from numpy in blocks, for the many small choices made while writing text."""

    def __init__(self, rng: np.random.Generator, block: int = 1 << 16) -> None:
        blocks = (rng.random(block).tolist() for _ in itertools.count())
        self._values: Iterator[float] = itertools.chain.from_iterable(blocks)

    def u(self) -> float:
        """Return the next uniform number in [0, 1)."""
        return next(self._values)

    def chance(self, p: float) -> bool:
        """Return True with probability p."""
        return next(self._values) < p

    def pick(self, items: Sequence[T]) -> T:
        """Return one item, uniformly."""
        return items[int(next(self._values) * len(items))]

    def between(self, low: int, high: int) -> int:
        """Return an integer in [low, high], uniformly."""
        return low + int(self.u() * (high - low + 1))

    def weighted(self, table: Weighted[T]) -> T:
        """Return one item of a weighted table."""
        at = bisect.bisect_right(table.cumulative, next(self._values) * table.cumulative[-1])
        return table.items[min(at, len(table.items) - 1)]

    def sample(self, table: Weighted[T], k: int) -> list[T]:
        """Return up to k distinct items of a weighted table."""
        chosen: list[T] = []
        for _ in range(4 * k):
            if len(chosen) >= min(k, len(table.items)):
                break
            item = self.weighted(table)
            if item not in chosen:
                chosen.append(item)
        return chosen


# ---------------------------------------------------------------- messy spelling


def plain(text: str) -> str:
    """Return text without accents (œ kept as written in ASCII as "oe")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_NEAR_LETTERS = dict(zip("aeiyounmskctdrlbpgj", "eayiuomnzckdtlrpbjg", strict=True))  # a key pressed next door


_WORD = re.compile(r"[^\W\d_]{4,}")  # a word of four letters or more: never a roman numeral or a code


def typo(text: str, dice: Dice) -> str:
    """Return text with one slip of the keyboard: a letter dropped, doubled, swapped or mistyped."""
    words = [m.span() for m in _WORD.finditer(text)]
    if not words:
        return text
    start, end = dice.pick(words)
    i = start + 1 + int(dice.u() * (end - start - 1))
    kind, long_word = dice.u(), end - start >= 7
    if kind < 0.3 or not long_word:  # doubling is the only slip that keeps short words unambiguous
        return text[:i] + text[i] + text[i:]
    if kind < 0.6:
        return text[:i] + text[i + 1 :]
    if kind < 0.8 and i + 1 < end:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + _NEAR_LETTERS.get(text[i].lower(), "e") + text[i + 1 :]


def cased(text: str, dice: Dice, upper: float = 0.1, lower: float = 0.3) -> str:
    """Return text as written, in capitals or in lower case."""
    u = dice.u()
    if u < upper:
        return text.upper()
    if u < upper + lower:
        return text.lower()
    return text


def capitalised(text: str) -> str:
    """Return text with its first letter in capitals."""
    return text[:1].upper() + text[1:]


def french_list(items: Sequence[str]) -> str:
    """Return items joined the French way: "a, b et c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def without_parentheses(text: str) -> str:
    """Return text without its parenthesised parts, e.g. "peul (fulfulde)" → "peul"."""
    return re.sub(r"\s*\(.*?\)", "", text).strip()


# ---------------------------------------------------------------- what the taxonomy offers, precomputed


@dataclass(frozen=True)
class Spellings:
    """The ways one value may be written, most common first."""

    forms: Weighted[str]
    can_typo: str = ""


@dataclass(frozen=True)
class World:
    """The taxonomy turned into tables that the generator draws from."""

    taxonomy: Taxonomy
    towns: tuple[str, ...]
    town_weights: Floats
    town_region: tuple[str, ...]
    region_capital: dict[str, int]
    region_languages: dict[str, tuple[str, ...]]
    mining: tuple[int, ...]
    quartiers: dict[int, tuple[str, ...]]
    unknown_skills: tuple[str, ...]
    unknown_asked_skills: tuple[str, ...]
    unknown_certifications: tuple[str, ...]
    skills: dict[str, Weighted[str]]  # what trainees list
    asked_skills: dict[str, Weighted[str]]  # what vacancies ask
    module_skills: dict[str, str]
    skill_labels: dict[str, str]
    language_labels: dict[str, str]
    certifications: frozenset[str]
    town_spellings: tuple[Spellings, ...]
    skill_spellings: dict[str, Spellings]
    cert_spellings: dict[str, Spellings]
    language_spellings: dict[str, Spellings]


def _town_spellings(name: str, variants: Sequence[str]) -> Spellings:
    bare = plain(name)
    others = [v for v in variants if v != bare.lower()]
    forms = [(name, 0.55), (bare, 0.15), (name.upper(), 0.05), (bare.upper(), 0.06), (bare.lower(), 0.05)]
    forms += [(v.title() if v.isalpha() else v, 0.10 / len(others)) for v in others]
    return Spellings(weighted(forms), can_typo=name)


def _skill_spellings(code: str, label: str, aliases: Sequence[str], skills: Vocabulary) -> Spellings:
    french = aliases[: math.ceil(len(aliases) / 2)]  # the data lists French aliases first, English ones last
    short = _abbreviated(label)
    forms = [(label, 0.40), (plain(label), 0.12)]
    if skills.match(short).value == code:  # an abbreviation that drops too much is no longer the same skill
        forms.append((short, 0.08))
    forms += [(a, 0.40 / len(french)) for a in french]
    return Spellings(weighted(forms), can_typo=label)


_SMALL_WORDS = frozenset({"de", "des", "du", "la", "le", "les", "et", "à", "a", "au", "aux", "en"})


def _abbreviated(label: str) -> str:
    """Return a label as a hurried hand writes it, without its small words ("gestion conflits")."""
    words = [re.sub(r"^[dl]['’]", "", w) for w in label.split() if w.lower() not in _SMALL_WORDS]
    return " ".join(w for w in words if w) or label


def _cert_spellings(code: str, fr: str, aliases: Sequence[str]) -> Spellings:
    base = code.replace("_", " ")
    parts = re.fullmatch(r"([A-Z]+)(\d*)", code)
    spaced = f"{parts[1]} {parts[2]}" if parts and parts[2] else base
    forms = [(base, 0.25), (spaced, 0.15), (base.lower(), 0.12), (capitalised(base.lower()), 0.10), (fr, 0.08)]
    if parts and (parts[2] or len(parts[1]) <= 3):
        dotted = ".".join(parts[1]) + "." + (f" {parts[2]}" if parts[2] else "")
        forms.append((dotted, 0.10))
    forms += [(a, 0.20 / len(aliases)) for a in aliases]
    return Spellings(weighted(forms))


def _language_spellings(code: str, fr: str, en: str, codes: Sequence[str], names: Sequence[str]) -> Spellings:
    label = without_parentheses(fr)
    forms = [(code, 0.28), (capitalised(label), 0.25), (label, 0.07), (en, 0.06)]
    iso3 = [c for c in codes if len(c) == 3][:1]
    forms += [(c, 0.08) for c in iso3]
    forms += [(capitalised(n), 0.26 / len(names[:3])) for n in names[:3]]
    return Spellings(weighted(forms))


@cache
def _gazetteer_extras(country: str) -> dict[str, Any]:
    """Return the gazetteer's information-only keys (town notes, Bamako quartiers), which the taxonomy skips."""
    raw = read_pack_file(country, "gazetteer.json")
    return {k: v for k, v in raw.items() if k.startswith("_") and isinstance(v, dict)} if isinstance(raw, dict) else {}


def _mining_towns(names: Sequence[str]) -> tuple[int, ...]:
    """Return the towns the gazetteer's notes call mining sites (the data has no field for it yet)."""
    notes: dict[str, str] = _gazetteer_extras(active_country()).get("_town_notes", {})
    return tuple(i for i, name in enumerate(names) if "mining" in str(notes.get(name, "")).lower())


def _quartiers(names: Sequence[str], towns: Vocabulary) -> dict[int, tuple[str, ...]]:
    """Return, per town, the outlying place names people write instead of it that match no town at all."""
    places = local().outlying_places.items()
    found = {names.index(t): tuple(q for q in qs if not towns.match(q).matched) for t, qs in places if t in names}
    return {t: qs for t, qs in found.items() if qs}


def _unknown(values: Sequence[str], vocabulary: Vocabulary) -> tuple[str, ...]:
    """Keep the values the taxonomy really does not know, so that they stay unknown as the data grows."""
    return tuple(v for v in values if not vocabulary.match(v).matched and not vocabulary.match(v.upper()).matched)


def _skill_tables(
    taxonomy: Taxonomy, below: float, above: float, exclude: frozenset[str] = frozenset()
) -> dict[str, Weighted[str]]:
    """Weigh each skill per level: 1 at its own level, `below` when it belongs to lower levels only, `above`
    when it belongs to higher levels only (a supervisor knows guard work; a guard rarely plans budgets)."""
    tables: dict[str, Weighted[str]] = {}
    for rank, level in enumerate(LEVELS):
        pairs = []
        for skill in taxonomy.skills:
            ranks = [LEVELS.index(lv) for lv in skill.levels if lv in LEVELS] or [0]
            fit = 1.0 if rank in ranks else below if max(ranks) < rank else above
            weight = 0.0 if skill.code in exclude else fit * SKILL_POPULARITY.get(skill.code, 1)
            pairs.append((skill.code, weight))
        tables[level] = weighted(pairs)
    return tables


def _module_skills(taxonomy: Taxonomy) -> dict[str, str]:
    """Map each training module to the skill whose label or alias it names, if any."""

    def key(text: str) -> str:
        return re.sub(r"[^a-z]", "", plain(text).lower())

    names = {key(n): s.code for s in taxonomy.skills for n in (s.fr, *s.aliases)}
    return {m: names[key(m)] for m in (*CORE_MODULES, *EXTRA_MODULES) if key(m) in names}


def world() -> World:
    """Return the generator's tables for the active country, built once per country."""
    return _world(active_country())


@cache
def _world(country: str) -> World:
    tax, words = get_taxonomy(country), get_vocabularies()
    towns = tuple(t.name for t in tax.towns)
    population = np.array([max(t.population, 1) for t in tax.towns], dtype=np.float64)
    known_languages = {lang.code for lang in tax.languages}
    return World(
        taxonomy=tax,
        towns=towns,
        town_weights=population / population.sum(),
        town_region=tuple(t.region for t in tax.towns),
        region_capital={r.name: towns.index(r.capital) for r in tax.regions if r.capital in towns},
        region_languages={r.name: tuple(c for c in r.languages if c in known_languages) for r in tax.regions},
        mining=_mining_towns(towns),
        quartiers=_quartiers(towns, words.towns),
        unknown_skills=_unknown(UNKNOWN_SKILLS, words.skills),
        unknown_asked_skills=_unknown(UNKNOWN_ASKED_SKILLS, words.skills),
        unknown_certifications=_unknown(UNKNOWN_CERTIFICATIONS, words.certifications),
        skills=_skill_tables(tax, 0.3, 0.05),
        asked_skills=_skill_tables(tax, 0.15, 0.0, exclude=frozenset(site.skill for site in SITES if site.skill)),
        module_skills=_module_skills(tax),
        skill_labels={s.code: s.fr for s in tax.skills},
        language_labels={lang.code: without_parentheses(lang.fr) for lang in tax.languages},
        certifications=frozenset(c.code for c in tax.certifications),
        town_spellings=tuple(_town_spellings(t.name, t.variants) for t in tax.towns),
        skill_spellings={s.code: _skill_spellings(s.code, s.fr, s.aliases, words.skills) for s in tax.skills},
        cert_spellings={c.code: _cert_spellings(c.code, c.fr, c.aliases) for c in tax.certifications},
        language_spellings={
            lang.code: _language_spellings(lang.code, lang.fr, lang.en, lang.codes, lang.names) for lang in tax.languages
        },
    )


class Writer:
    """Writes canonical values as people type them, with a small share of typos and unknown values."""

    def __init__(self, w: World, dice: Dice, typo_share: float, quartier_share: float, unknown_skills: Sequence[str]) -> None:
        self.w = w
        self.dice = dice
        self.typo_share = typo_share
        self.quartier_share = quartier_share
        self.unknown_skills = unknown_skills

    def _spell(self, spellings: Spellings) -> str:
        if spellings.can_typo and self.dice.chance(self.typo_share):
            return typo(self.dice.pick((spellings.can_typo, plain(spellings.can_typo))), self.dice)
        return self.dice.weighted(spellings.forms)

    def town(self, index: int) -> str:
        """Write a town's name, or now and then the neighbourhood (unknown to the gazetteer) instead."""
        quartiers = self.w.quartiers.get(index)
        if quartiers and self.dice.chance(self.quartier_share):
            return self.dice.pick(quartiers)
        return self._spell(self.w.town_spellings[index])

    def skill(self, code: str) -> str:
        """Write a skill, sometimes one the taxonomy does not know."""
        if self.unknown_skills and self.dice.chance(UNKNOWN_SHARE):
            return cased(self.dice.pick(self.unknown_skills), self.dice, 0.05, 0.5)
        return cased(self._spell(self.w.skill_spellings[code]), self.dice, 0.05, 0.45)

    def certification(self, code: str) -> str:
        """Write a certification code as people write it ("S.S.I.A.P. 1", "ssiap1", "Sst" ...)."""
        return self.dice.weighted(self.w.cert_spellings[code].forms)

    def language(self, code: str) -> str:
        """Write a language as a code, a name or an ISO 639-3 code."""
        return cased(self.dice.weighted(self.w.language_spellings[code].forms), self.dice, 0.05, 0.15)

    def skills(self, codes: Iterable[str]) -> list[str]:
        """Write several skills, without repeating one."""
        return list(dict.fromkeys(self.skill(c) for c in codes))


# ---------------------------------------------------------------- shared small draws


def choose_rows(rng: np.random.Generator, shares: Sequence[Sequence[float]], rows: Ints) -> Ints:
    """Draw, for each element, a category from the row of shares its index in `rows` selects."""
    cumulative = np.cumsum(np.asarray(shares, dtype=np.float64), axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(rows))
    return np.minimum((u[:, None] >= cumulative[rows]).sum(axis=1), cumulative.shape[1] - 1).astype(np.int64)


def day(offset: int) -> str:
    """Return the ISO date `offset` days after the base date."""
    return (BASE_DATE + timedelta(days=offset)).isoformat()


def years_text(years: float) -> str:
    """Return a number of years in plain French ("6 mois", "1 an et demi", "3 ans")."""
    if years < 1:
        return "6 mois"
    whole = int(years)
    unit = "an" if whole == 1 else "ans"
    return f"{whole} {unit} et demi" if years - whole >= 0.5 else f"{whole} {unit}"


def number(value: float) -> float | int:
    """Return a whole number as an int, so that JSON shows 3 rather than 3.0."""
    return int(value) if float(value).is_integer() else float(value)


def phone_text(digits: str, u: float) -> str:
    """Write a national phone number of the active country in one of the forms found in spreadsheets."""
    code = get_pack().phone.calling_code
    if u < 0.65:
        return f"+{code}{digits}"
    if u < 0.85:
        return spaced_digits(digits)
    if u < 0.93:
        return f"00{code}{digits}"
    return f"+{code} {spaced_digits(digits)}"


def spaced_digits(digits: str) -> str:
    """Write a national number in groups as people do: 76 12 34 56 (8 digits), 77 123 45 67 (9 digits)."""
    head = [digits[:2], digits[2:5]] if len(digits) % 2 else []
    rest = digits[5:] if head else digits
    return " ".join([*head, *(rest[i : i + 2] for i in range(0, len(rest), 2))])


# ---------------------------------------------------------------- trainees: vectorised attributes


@dataclass
class TraineeDraws:
    """Every numeric attribute of the trainees, drawn at once with numpy, held as plain lists for the record loop."""

    level: list[int]
    home: list[int]
    mobility: list[int]
    education: list[int]
    literacy: list[int]
    security_years: list[float]
    in_france: list[bool]
    grade: list[float]
    modules: list[list[float]]  # [trainee][module]; NaN when the trainee did not take the module
    certifications: list[tuple[str, ...]]
    licences: list[tuple[str, ...]]
    cohort: list[int]  # year * 10 + session (0 = A)
    gender: list[int]  # 0 M, 1 F, 2 not given
    birth: list[int]  # days from the base date (negative)
    phone: list[int]
    available: list[int]  # days from the base date, -1: available now


def held(flags: dict[str, Bools], n: int) -> list[tuple[str, ...]]:
    """Turn one boolean column per code into each row's tuple of held codes."""
    codes = list(flags)
    if not codes:
        return [()] * n
    rows = np.column_stack([flags[c] for c in codes]).tolist()
    return [tuple(c for c, h in zip(codes, row, strict=True) if h) for row in rows]


def _security_years(rng: np.random.Generator, level: Ints) -> Floats:
    n = len(level)
    guard = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0.5, 2.5, n))
    supervisor = rng.uniform(1.0, 6.5, n)
    manager = rng.uniform(3.0, 12.5, n)
    years = np.choose(level, [guard, supervisor, manager])
    return np.floor(years * 2) / 2


def _grades(rng: np.random.Generator, literacy: Ints, education: Ints) -> tuple[Floats, Floats]:
    n = len(literacy)
    ability = 0.45 * (literacy - 1.6) / 0.85 + 0.25 * (education - 1.6) / 1.2 + 0.8 * rng.normal(size=n)
    overall = np.clip(np.round((13 + 2.5 * ability) * 4) / 4, 6.0, 19.5)
    names = (*CORE_MODULES, *EXTRA_MODULES)
    spread = rng.normal(0, 1.5, (n, len(names)))
    modules = overall[:, None] + spread
    if "francais" in names:
        modules[:, names.index("francais")] += 0.8 * (literacy - 1.6)
    modules = np.clip(np.round(modules * 4) / 4, 2.0, 20.0)
    taken = rng.random((n, len(names))) < np.array([0.92] * len(CORE_MODULES) + [0.35] * len(EXTRA_MODULES))
    return overall, np.where(taken, modules, np.nan)


def _certifications(
    rng: np.random.Generator, years: Floats, france: Bools, literacy: Ints, known: frozenset[str]
) -> dict[str, Bools]:
    """Draw certifications: more with experience (above all in France) and literacy; SSIAP 2/3 only with experience."""
    n = len(years)
    u = rng.random((n, 9))
    worked, fr, lit = years > 0, france.astype(float), literacy.astype(float)
    sst = u[:, 0] < 0.28 + 0.12 * worked + 0.15 * fr + 0.04 * lit
    ssiap1 = u[:, 3] < 0.08 + 0.25 * fr + 0.10 * (years >= 2) + 0.03 * lit
    ssiap2 = ssiap1 & (years >= 1) & (u[:, 4] < 0.15 + 0.15 * (years >= 3) + 0.05 * (literacy >= 2))
    drawn = {
        "SST": sst,
        "PSC1": ~sst & (u[:, 1] < 0.20),
        "CQP_APS": u[:, 2] < 0.12 + 0.35 * fr + 0.08 * (years >= 1),
        "SSIAP1": ssiap1,
        "SSIAP2": ssiap2,
        "SSIAP3": ssiap2 & (years >= 3) & (literacy >= 2) & (u[:, 5] < 0.30),
        "H0B0": u[:, 6] < 0.04 + 0.08 * fr,
        "CYNO": u[:, 7] < 0.03,
        "CARTE_CNAPS": france & (u[:, 8] < 0.45),
    }
    return {code: flags for code, flags in drawn.items() if code in known}


def _licences(rng: np.random.Generator, level: Ints) -> dict[str, Bools]:
    u = rng.random((len(level), 3))
    b = u[:, 0] < np.array([0.21, 0.32, 0.45])[level]
    return {"A": u[:, 1] < 0.12, "B": b, "C": b & (u[:, 2] < 0.10)}


def draw_trainees(rng: np.random.Generator, n: int, w: World) -> TraineeDraws:
    """Draw the numeric attributes of n trainees."""
    level = rng.choice(3, size=n, p=LEVEL_SHARES)
    education = choose_rows(rng, EDUCATION_SHARES, level)
    literacy = choose_rows(rng, LITERACY_SHARES, education)
    years = _security_years(rng, level)
    in_france = (years > 0) & (rng.random(n) < np.array([0.55, 0.65, 0.65])[level])
    grade, modules = _grades(rng, literacy, education)
    age = np.clip(rng.normal(31, 6.5, n) + 3 * level, 20, 58)
    years_cohort, shares = zip(*COHORT_YEARS, strict=True)
    cohort = np.asarray(years_cohort)[rng.choice(len(shares), size=n, p=shares)] * 10 + rng.integers(0, 3, n)
    return TraineeDraws(
        level=level.tolist(),
        home=rng.choice(len(w.towns), size=n, p=w.town_weights).tolist(),
        mobility=rng.choice(3, size=n, p=MOBILITY_SHARES).tolist(),
        education=education.tolist(),
        literacy=literacy.tolist(),
        security_years=years.tolist(),
        in_france=in_france.tolist(),
        grade=grade.tolist(),
        modules=modules.tolist(),
        certifications=held(_certifications(rng, years, in_france, literacy, w.certifications), n),
        licences=held(_licences(rng, level), n),
        cohort=cohort.tolist(),
        gender=rng.choice(3, size=n, p=(0.86, 0.12, 0.02)).tolist(),
        birth=(-(age * 365.25)).astype(np.int64).tolist(),
        phone=rng.integers(0, 1_000_000, n).tolist(),
        available=np.where(rng.random(n) < 0.55, rng.integers(0, HORIZON_DAYS, n), -1).tolist(),
    )


# ---------------------------------------------------------------- trainees: records


@dataclass
class Job:
    """One stretch of experience, canonical, before it is written out."""

    title: str
    years: float
    sector: str
    country: str | None


class TraineeBuilder:
    """Turns the drawn attributes of one trainee into an exchange record with messy free text."""

    def __init__(self, w: World, draws: TraineeDraws, dice: Dice) -> None:
        self.w = w
        self.d = draws
        self.dice = dice
        self.write = Writer(w, dice, typo_share=0.03, quartier_share=0.02, unknown_skills=w.unknown_skills)
        self.security_countries = weighted(local().security_countries)
        self.other_countries = weighted(local().other_countries)
        self.modules = (*CORE_MODULES, *EXTRA_MODULES)
        self.titles: dict[str, Weighted[str]] = {lv: weighted((t, share) for t, _, share in TITLES[lv]) for lv in LEVELS}

    def build(self, i: int, trainee_id: str) -> Record:
        """Return the record of trainee i, its fields in the order of the exchange format."""
        level, region = LEVELS[self.d.level[i]], self.w.town_region[self.d.home[i]]
        jobs, skills, certs = self._jobs(i, level), self._skill_codes(i, level), list(self.d.certifications[i])
        languages = self._languages(i, region, jobs)
        record: Record = {"id": trainee_id, "full_name": self._name(i, region)}
        self._identity(record, i)
        self._places(record, i)
        self._abilities(record, i, languages, jobs, skills, certs)
        self._training_and_wishes(record, i, level)
        if self.dice.chance(0.85):
            record["summary"] = self._summary(i, level, region, jobs, skills, certs, languages)
        return record

    def _identity(self, record: Record, i: int) -> None:
        d, dice = self.d, self.dice
        if d.gender[i] < 2:
            record["gender"] = "MF"[d.gender[i]]
        if dice.chance(0.95):
            record["birth_date"] = day(d.birth[i])
        if dice.chance(0.92):
            record["phone"] = phone_text(dice.pick(local().phone_prefixes) + f"{d.phone[i]:06d}", dice.u())

    def _places(self, record: Record, i: int) -> None:
        record["home_town"] = self.write.town(self.d.home[i])
        mobility = MOBILITIES[self.d.mobility[i]]
        if mobility != "town" or self.dice.chance(0.8):  # a blank mobility cell means "town"
            record["mobility"] = mobility
        extra = self._extra_towns(i)
        if extra:
            record["extra_towns"] = [self.write.town(t) for t in extra]

    def _abilities(
        self, record: Record, i: int, languages: list[tuple[str, str]], jobs: list[Job], skills: list[str], certs: list[str]
    ) -> None:
        d, dice = self.d, self.dice
        if languages:
            record["languages"] = [{"language": self.write.language(c), "level": lv} for c, lv in languages]
        literacy = LITERACY_LEVELS[d.literacy[i]]
        if literacy != "basic" or dice.chance(0.95):  # a blank literacy cell means "basic"
            record["literacy"] = literacy
        if dice.chance(0.9):
            record["education"] = EDUCATIONS[d.education[i]]
        if jobs:
            record["experience"] = [self._job_record(j) for j in jobs]
        if skills:
            record["skills"] = self.write.skills(skills)
        written = self._write_certs(certs)
        if written:
            record["certifications"] = written
        if d.licences[i]:
            record["driving_licences"] = list(d.licences[i])

    def _training_and_wishes(self, record: Record, i: int, level: str) -> None:
        if self.dice.chance(0.95):
            record["training"] = self._training(i)
        if self.d.available[i] >= 0:
            record["available_from"] = day(self.d.available[i])
        levels = self.dice.weighted(LEVEL_PREFERENCES[level])
        if levels:
            record["preferred_levels"] = list(levels)
        shifts = self.dice.weighted(SHIFT_PREFERENCES)
        if shifts:
            record["preferred_shifts"] = list(shifts)

    def _name(self, i: int, region: str) -> str:
        dice = self.dice
        first = dice.pick(FEMALE_NAMES if self.d.gender[i] == 1 else MALE_NAMES)
        languages = self.w.region_languages.get(region, ())
        names = local().family_names
        fallback = next(iter(names))
        group = languages[0] if languages and dice.chance(0.7) else fallback
        family = dice.pick(names.get(group, names[fallback]))
        u = dice.u()
        if u < 0.55:
            return f"{first} {family}"
        if u < 0.75:
            return f"{plain(family).upper()} {first}"
        if u < 0.85:
            return f"{family} {first}"
        return f"{first} {family}".upper() if u < 0.93 else plain(f"{first} {family}").lower()

    def _jobs(self, i: int, level: str) -> list[Job]:
        years = float(self.d.security_years[i])
        jobs = self._security_jobs(i, level, years) if years > 0 else []
        for _ in range(self.dice.pick((0, 0, 1, 1, 1, 2))):
            country = self.dice.weighted(self.other_countries)
            jobs.append(Job(self.dice.pick(OTHER_JOBS), self.dice.between(1, 16) / 2, "other", country))
        return jobs

    def _security_jobs(self, i: int, level: str, years: float) -> list[Job]:
        steps = list(LEVELS[: LEVELS.index(level) + 1])
        if years < 2 * len(steps):
            steps = steps[-1:] if level == "guard" or years < 2 else steps[-2:]
        shares = [1.0] if len(steps) == 1 else [0.6, 0.4] if len(steps) == 2 else [0.45, 0.35, 0.2]
        jobs, left = [], years
        for k, (step, share) in enumerate(zip(steps, shares, strict=True)):
            span = left if k == len(steps) - 1 else max(0.5, math.floor(years * share * 2) / 2)
            left -= span
            title = self._job_title(step)
            country = "FR" if self.d.in_france[i] and (k == 0 or self.dice.chance(0.6)) else self._country()
            jobs.append(Job(title, span, "security", country))
        return [j for j in jobs if j.years > 0]

    def _job_title(self, level: str) -> str:
        return self.dice.weighted(self.titles[level])

    def _country(self) -> str:
        return self.dice.weighted(self.security_countries)

    def _job_record(self, job: Job) -> Record:
        record: Record = {"title": cased(job.title, self.dice, 0.05, 0.35), "years": number(job.years), "sector": job.sector}
        if job.country and self.dice.chance(0.95):
            record["country"] = job.country
        return record

    def _skill_codes(self, i: int, level: str) -> list[str]:
        dice = self.dice
        codes = dice.sample(self.w.skills[level], dice.between(1, 4) + int(self.d.security_years[i] > 1))
        for k, module in enumerate(self.modules):
            skill = self.w.module_skills.get(module)
            grade = self.d.modules[i][k]
            if skill and skill not in codes and grade == grade and grade >= 13 and dice.chance(0.4):
                codes.append(skill)
        return codes

    def _write_certs(self, codes: list[str]) -> list[str]:
        dice = self.dice
        if "SSIAP2" in codes and "SSIAP1" in codes and dice.chance(0.6):
            codes = [c for c in codes if c != "SSIAP1"]  # many list only the highest level
        written = [self.write.certification(c) for c in codes]
        if self.w.unknown_certifications and dice.chance(UNKNOWN_SHARE * 2):
            written.append(dice.pick(self.w.unknown_certifications))
        return list(dict.fromkeys(written))

    def _languages(self, i: int, region: str, jobs: list[Job]) -> list[tuple[str, str]]:
        """Return (code, level) pairs: the home region's languages, the lingua franca (Bambara, Wolof), French by literacy,
        abroad."""
        dice, d = self.dice, self.d
        if dice.chance(0.03):
            return []
        spoken: dict[str, str] = {}
        common = local().lingua_franca
        here = self.w.region_languages.get(region, ()) or (common,)
        mother = here[0] if dice.chance(0.65) else dice.pick(here)
        spoken[mother] = "native"
        if common not in spoken and common in self.w.language_labels and dice.chance(0.85):
            spoken[common] = dice.pick(("fluent", "fluent", "conversational", "basic"))
        if len(here) > 1 and dice.chance(0.25):
            spoken.setdefault(dice.pick(here), dice.pick(("conversational", "basic")))
        french = self._french_level(int(d.literacy[i]), any(j.country == "FR" for j in jobs))
        if french:
            spoken["fr"] = french
        self._foreign_languages(spoken, jobs, int(d.level[i]))
        return [(c, lv) for c, lv in spoken.items() if c in self.w.language_labels]

    def _french_level(self, literacy: int, france: bool) -> str | None:
        options = (("basic", None), ("conversational", "basic"), ("fluent", "conversational"), ("fluent", "native"))
        high, low = options[literacy]
        level = high if self.dice.chance(0.6 if literacy < 3 else 0.85) else low
        if france and level in (None, "basic"):
            level = "conversational"
        return level

    def _foreign_languages(self, spoken: dict[str, str], jobs: list[Job], level: int) -> None:
        countries = {j.country for j in jobs}
        for places, code in LANGUAGES_ABROAD:
            if countries & places and self.dice.chance(0.6):
                spoken.setdefault(code, self.dice.pick(("basic", "conversational")))
        if self.dice.chance(0.05 + 0.1 * level):
            spoken.setdefault("en", self.dice.pick(("basic", "basic", "conversational", "fluent")))

    def _extra_towns(self, i: int) -> list[int]:
        dice = self.dice
        if not dice.chance(0.12):
            return []
        home = int(self.d.home[i])
        options = [*self.w.mining, *self.w.region_capital.values()]
        towns = [dice.pick(options) for _ in range(dice.between(1, 2))]
        return [t for t in dict.fromkeys(towns) if t != home]

    def _training(self, i: int) -> Record:
        d = self.d
        cohort = int(d.cohort[i])
        modules = {m: float(g) for m, g in zip(self.modules, d.modules[i], strict=True) if g == g}
        record: Record = {"cohort": f"{cohort // 10}-{'ABC'[cohort % 10]}", "overall": float(d.grade[i])}
        if modules:
            record["modules"] = modules
        return record

    def _summary(
        self,
        i: int,
        level: str,
        region: str,
        jobs: list[Job],
        skills: list[str],
        certs: list[str],
        languages: list[tuple[str, str]],
    ) -> str:
        dice = self.dice
        sentences = [self._experience_sentence(i, jobs)]
        extras: list[Callable[[], str | None]] = [
            lambda: self._skill_sentence(skills, certs),
            lambda: self._language_sentence(languages),
            lambda: self._mobility_sentence(i, region),
            lambda: f"Cherche un poste de {LEVEL_WORDS[level]}." if level != "guard" else None,
        ]
        for k in range(dice.between(0, 2)):
            sentence = extras[(int(dice.u() * len(extras)) + k) % len(extras)]()
            if sentence and sentence not in sentences:
                sentences.append(sentence)
        return " ".join(sentences)

    def _experience_sentence(self, i: int, jobs: list[Job]) -> str:
        dice = self.dice
        security = [j for j in jobs if j.sector == "security"]
        former = "Ancienne" if self.d.gender[i] == 1 else "Ancien"
        if security:
            job = max(security, key=lambda j: j.years)
            where, title, span = local().in_country.get(job.country or "", ""), lower_first(job.title), years_text(job.years)
            total = years_text(sum(j.years for j in security))
            text = dice.pick(
                (
                    f"{former} {title} {where} pendant {span}.",
                    f"A travaillé {span} comme {title} {where}.",
                    f"{capitalised(total)} d'expérience dans la sécurité privée, surtout {where}.",
                )
            )
        elif jobs:
            where = local().in_country.get(jobs[0].country or "", "")
            text = f"A travaillé comme {jobs[0].title} {where} avant de se former à la sécurité."
        else:
            text = dice.pick(NEWCOMER_SENTENCES).replace("Formé ", "Formée " if self.d.gender[i] == 1 else "Formé ")
        return re.sub(r"\s+([.,])", r"\1", re.sub(r"\s+", " ", text)).replace(", surtout.", ".")

    def _skill_sentence(self, skills: list[str], certs: list[str]) -> str | None:
        labels = [self.w.skill_labels[c] for c in skills[:3]]
        held = [spoken_code(c) for c in certs if c in SPOKEN_CERTIFICATIONS]
        if held and self.dice.chance(0.5):
            return f"Titulaire des certificats {french_list(held)}." if len(held) > 1 else f"Titulaire du {held[0]}."
        if labels:
            return self.dice.pick((f"Sait faire : {french_list(labels)}.", f"Compétences en {french_list(labels)}."))
        return None

    def _language_sentence(self, languages: list[tuple[str, str]]) -> str | None:
        names = [self.w.language_labels[c] for c, _ in languages[:4]]
        return f"Parle {french_list(names)}." if names else None

    def _mobility_sentence(self, i: int, region: str) -> str:
        mobility = MOBILITIES[self.d.mobility[i]]
        if mobility == "country":
            return f"Prêt à travailler partout {local().in_country.get(active_country(), '')}."
        if mobility == "region":
            return f"Peut travailler dans toute la région de {region}."
        return f"Souhaite travailler à {self.w.towns[self.d.home[i]]} ou à côté."


def trainee_ids(cohorts: Sequence[int]) -> list[str]:
    """Return ids "T-<cohort year>-<number>", numbered in order within each cohort year."""
    years = [c // 10 for c in cohorts]
    counts: dict[int, int] = {}
    for year in years:
        counts[year] = counts.get(year, 0) + 1
    width = max(4, len(str(max(counts.values(), default=1))))
    seen: dict[int, int] = {}
    ids = []
    for year in years:
        seen[year] = seen.get(year, 0) + 1
        ids.append(f"T-{year}-{seen[year]:0{width}d}")
    return ids


def generate_trainees(n: int, rng: np.random.Generator, dice: Dice) -> list[Record]:
    """Return n trainee records."""
    w = world()
    draws = draw_trainees(rng, n, w)
    builder = TraineeBuilder(w, draws, dice)
    return [builder.build(i, tid) for i, tid in enumerate(trainee_ids(draws.cohort))]


# ---------------------------------------------------------------- vacancies


@dataclass
class VacancyDraws:
    """Every numeric attribute of the vacancies, drawn at once with numpy, held as plain lists for the record loop."""

    level: list[int]
    town: list[int]
    mining: list[bool]
    seats: list[int]
    shift: list[int]  # index into SHIFTS, -1: not given
    start: list[int]  # days from the base date, -1: not given


def _seats(rng: np.random.Generator, level: Ints, seats: int | None) -> Ints:
    if seats is not None:
        return np.full(len(level), seats, dtype=np.int64)
    return choose_rows(rng, SEAT_SHARES, level) + 1


def _shifts(rng: np.random.Generator, level: Ints, mining: Bools) -> Ints:
    shares = [(*SHIFT_SHARES[lv], max(0.0, 1 - sum(SHIFT_SHARES[lv]))) for lv in LEVELS]
    shift = choose_rows(rng, shares, level)
    shift = np.where(mining & (rng.random(len(level)) < 0.5), SHIFTS.index("rotating"), shift)
    return np.where(shift >= len(SHIFTS), -1, shift)


def draw_vacancies(rng: np.random.Generator, n: int, w: World, seats: int | None) -> VacancyDraws:
    """Draw the numeric attributes of n vacancies."""
    level = rng.choice(3, size=n, p=LEVEL_SHARES)
    mining = (rng.random(n) < MINING_TOWN_SHARE) & (len(w.mining) > 0)
    sites = np.asarray(w.mining or (0,), dtype=np.int64)
    town = np.where(mining, sites[rng.integers(0, len(sites), n)], rng.choice(len(w.towns), size=n, p=w.town_weights))
    return VacancyDraws(
        level=level.tolist(),
        town=town.tolist(),
        mining=mining.tolist(),
        seats=_seats(rng, level, seats).tolist(),
        shift=_shifts(rng, level, mining).tolist(),
        start=np.where(rng.random(n) < 0.85, rng.integers(0, HORIZON_DAYS, n), -1).tolist(),
    )


def employer_names(dice: Dice, count: int) -> list[str]:
    """Return `count` distinct company names such as "Sahel Gardiennage SARL"."""
    names: list[str] = []
    while len(names) < count:
        word, name, tail = dice.pick(EMPLOYER_WORDS), dice.pick(local().employer_names), dice.pick(EMPLOYER_TAILS)
        candidate = f"{name} {word} {tail}" if dice.chance(0.6) else f"{word} {name} {tail}"
        if candidate in names:
            candidate = f"{candidate} {len(names) + 1}"
        names.append(candidate)
    return names


def salary(level: str, mining: bool, dice: Dice) -> int:
    """Return a monthly pay in FCFA: guards often just above the SMIG, a few below it; mining sites pay more."""
    u = dice.u()
    if level == "manager":
        return int(round(150_000 * (400_000 / 150_000) ** u, -4))
    if level == "supervisor":
        low, high = (100_000, 150_000) if mining else (60_000, 120_000)
    elif mining:
        low, high = 75_000, 100_000
    else:
        smig = get_taxonomy().minimum_wage_fcfa_month
        scaled = [amount * smig // SCENARIO_MINIMUM_WAGE for amount in (35_000, 60_000, 80_000, 100_000)]
        bands = ((0.08, scaled[0], smig - 1), (0.65, smig, scaled[1]), (0.92, scaled[1], scaled[2]), (1.0, scaled[2], scaled[3]))
        low, high = next((lo, hi) for cut, lo, hi in bands if u < cut)
    return max(low, int(low + dice.u() * (high - low)) // 2_500 * 2_500)


@dataclass
class Opening:
    """One vacancy's canonical content, decided before any of it is written out."""

    id: str
    level: str
    town: int
    site: Site
    title: str
    employer: str
    seats: int
    shift: str | None
    start: int
    certifications: list[str]
    preferred_certifications: list[str]
    skills: list[str]
    preferred_skills: list[str]
    languages: list[tuple[str, str]]
    literacy: str | None
    years: float
    licence: str | None
    pay: int | None


class VacancyBuilder:
    """Decides each vacancy's content from the drawn attributes, then writes it with messy free text."""

    def __init__(self, w: World, draws: VacancyDraws, dice: Dice) -> None:
        self.w = w
        self.d = draws
        self.dice = dice
        self.write = Writer(w, dice, typo_share=0.02, quartier_share=0.005, unknown_skills=w.unknown_asked_skills)
        companies = employer_names(dice, max(8, len(draws.level) // 6))
        self.employers = weighted((name, 1 / (rank + 1) ** 0.8) for rank, name in enumerate(companies))
        self.sites = weighted((s, s.weight) for s in SITES if not s.mining)
        self.mine = next(s for s in SITES if s.mining)
        self.titles = {lv: weighted(((t, c), p) for t, c, p in TITLES[lv]) for lv in LEVELS}
        known = w.certifications
        self.certs: dict[str, Weighted[str]] = {
            lv: weighted((c, p) for c, p in REQUIRED_CERT[lv][1] if c in known) for lv in LEVELS
        }
        self.preferred = weighted((c, p) for c, p in PREFERRED_CERTS if c in known)
        self.literacy = {lv: weighted(zip((None, *LITERACY_LEVELS), LITERACY_MIN_SHARES[lv], strict=True)) for lv in LEVELS}
        self.experience = {lv: weighted(MIN_EXPERIENCE[lv]) for lv in LEVELS}

    def build(self, i: int, vacancy_id: str) -> Record:
        """Return the record of vacancy i."""
        return self.record(self.plan(i, vacancy_id))

    def plan(self, i: int, vacancy_id: str) -> Opening:
        """Decide the content of vacancy i: site, title, requirements and terms."""
        d, dice = self.d, self.dice
        level, town, mining = LEVELS[d.level[i]], d.town[i], d.mining[i]
        site = self.mine if mining else dice.weighted(self.sites)
        title, title_cert = dice.weighted(self.titles[level])
        certs = self._required_certs(level, title_cert)
        return Opening(
            id=vacancy_id,
            level=level,
            town=town,
            site=site,
            title=title,
            employer=self._employer(town, mining),
            seats=d.seats[i],
            shift=SHIFTS[d.shift[i]] if d.shift[i] >= 0 else None,
            start=d.start[i],
            certifications=certs,
            preferred_certifications=self._preferred_certs(certs),
            skills=self._skills(level, site, dice.between(1, 3)),
            preferred_skills=self._skills(level, None, dice.pick((0, 1, 1, 2))),
            languages=self._languages(level, town, site),
            literacy=dice.weighted(self.literacy[level]),
            years=dice.weighted(self.experience[level]),
            licence=self._licence(level, mining),
            pay=salary(level, mining, dice) if dice.chance(0.88) else None,
        )

    def record(self, o: Opening) -> Record:
        """Write an opening as an exchange record, optional fields omitted when absent."""
        write, dice = self.write, self.dice
        record: Record = {"id": o.id, "employer": o.employer, "title": self._title(o.title, o.site), "level": o.level}
        record["town"] = write.town(o.town)
        optional: dict[str, Any] = {
            "seats": o.seats if o.seats > 1 or dice.chance(0.7) else None,
            "required_certifications": [write.certification(c) for c in o.certifications],
            "preferred_certifications": [write.certification(c) for c in o.preferred_certifications],
            "required_skills": write.skills(o.skills),
            "preferred_skills": write.skills(o.preferred_skills),
            "required_languages": [{"language": write.language(c), "level": lv} for c, lv in o.languages],
            "min_literacy": o.literacy,
            "min_experience_years": o.years if o.years or dice.chance(0.3) else None,
            "driving_licence": o.licence,
            "shift": o.shift,
            "start_date": day(o.start) if o.start >= 0 else None,
            "salary_fcfa_month": o.pay,
            "description": self.description(o) if dice.chance(0.9) else None,
        }
        record.update((k, v) for k, v in optional.items() if v is not None and v != [])
        return record

    def _licence(self, level: str, mining: bool) -> str | None:
        if not self.dice.chance(LICENCE_SHARE[level] + 0.08 * mining):
            return None
        return "B" if self.dice.chance(0.92) else self.dice.pick(("C", "A"))

    def _employer(self, town: int, mining: bool) -> str:
        if mining and self.dice.chance(0.5):
            return f"Société des Mines de {self.w.towns[town]}"
        return self.dice.weighted(self.employers)

    def _title(self, title: str, site: Site) -> str:
        dice = self.dice
        if dice.chance(0.55):
            title = f"{title}{dice.pick((' — ', ' - ', ' / '))}{site.title}"
        return plain(title).upper() if dice.chance(0.08) else plain(title) if dice.chance(0.1) else title

    def _required_certs(self, level: str, title_cert: str | None) -> list[str]:
        if title_cert in self.w.certifications:
            return [str(title_cert)]
        chance, _ = REQUIRED_CERT[level]
        return [self.dice.weighted(self.certs[level])] if self.certs[level].items and self.dice.chance(chance) else []

    def _preferred_certs(self, required: list[str]) -> list[str]:
        if not self.preferred.items or not self.dice.chance(0.35):
            return []
        return [c for c in self.dice.sample(self.preferred, self.dice.between(1, 2)) if c not in required]

    def _skills(self, level: str, site: Site | None, k: int) -> list[str]:
        codes = self.dice.sample(self.w.asked_skills[level], k)
        if site and site.skill in self.w.skill_labels and site.skill not in codes and self.dice.chance(0.6):
            codes = [site.skill, *codes[: max(0, k - 1)]]
        return codes

    def _languages(self, level: str, town: int, site: Site) -> list[tuple[str, str]]:
        """Return required (code, level) pairs: French by level and site, sometimes the local language or English."""
        dice, asked = self.dice, {}
        if dice.chance(FRENCH_ASKED[level] + (0.3 if site.key in {"hotel", "embassy", "ngo"} else 0)):
            asked["fr"] = dice.weighted(FRENCH_LEVEL_ASKED[level])
        regional = self.w.region_languages.get(self.w.town_region[town], ())
        if regional and dice.chance(0.12 if regional[0] == local().lingua_franca else 0.2):
            asked.setdefault(regional[0], "conversational")
        english = 0.25 if site.key in {"embassy", "ngo"} else 0.15 if site.key == "airport" else 0.04 * (level == "manager")
        if dice.chance(english):
            asked["en"] = "conversational" if level != "guard" else "basic"
        return [(c, lv) for c, lv in asked.items() if c in self.w.language_labels]

    def description(self, o: Opening) -> str:
        """Write the vacancy's description in French from its real content."""
        town, role = self.w.towns[o.town], lower_first(o.title)
        count = f"{o.seats} {plural(role)}" if o.seats > 1 else f"un {role}"
        opening = self.dice.pick(
            (
                f"{o.employer} recrute {count} pour {o.site.phrase} à {town}.",
                f"Nous recherchons {count} pour {o.site.phrase} ({town}).",
                f"Poste de {role} à pourvoir à {town}, pour {o.site.phrase}.",
            )
        )
        details = [
            SHIFT_SENTENCES.get(o.shift or ""),
            f"Au moins {years_text(o.years)} d'expérience dans la sécurité." if o.years else None,
            f"{french_list([spoken_code(c) for c in o.certifications])} obligatoire." if o.certifications else None,
            "Français courant exigé." if ("fr", "fluent") in o.languages else None,
            f"Permis {o.licence} exigé." if o.licence else None,
            "Logement et repas sur le site, rotation de trois semaines." if o.site.mining else None,
            f"Salaire : {o.pay:,} FCFA par mois.".replace(",", " ") if o.pay else None,
        ]
        kept = [s for s in details if s]
        chosen = sorted({int(self.dice.u() * len(kept)) for _ in range(3)}) if kept else []
        return " ".join([opening, *(kept[k] for k in chosen)])


def spoken_code(code: str) -> str:
    """Return a certification code as French text writes it ("SSIAP 1", "CQP APS")."""
    return re.sub(r"^([A-Z]+)(\d)$", r"\1 \2", code.replace("_", " "))


def lower_first(title: str) -> str:
    """Return a title with its first letter in lower case, acronyms kept ("Agent SSIAP" → "agent SSIAP")."""
    return title[:1].lower() + title[1:]


def plural(role: str) -> str:
    """Return a French job title in the plural: "chef de poste" → "chefs de poste"."""
    head, _, rest = role.partition(" ")
    head = head if head.endswith(("s", "x")) else head + "s"
    return f"{head} {rest}".strip()


def vacancy_ids(n: int) -> list[str]:
    """Return ids "V-00001" … in order."""
    width = max(5, len(str(n)))
    return [f"V-{k:0{width}d}" for k in range(1, n + 1)]


def generate_vacancies(n: int, rng: np.random.Generator, dice: Dice, seats: int | None) -> list[Record]:
    """Return n vacancy records."""
    w = world()
    builder = VacancyBuilder(w, draw_vacancies(rng, n, w, seats), dice)
    return [builder.build(i, vid) for i, vid in enumerate(vacancy_ids(n))]


# ---------------------------------------------------------------- public entry points


def generate(*, trainees: int, vacancies: int, seed: int, seats: int | None = None) -> tuple[list[Record], list[Record]]:
    """Return realistic synthetic trainee and vacancy records in exchange JSON form (messy free text)."""
    if trainees < 0 or vacancies < 0:
        raise ValueError("trainees and vacancies must be counts (0 or more)")
    if seats is not None and seats < 1:
        raise ValueError("seats must be at least 1")
    trainee_rng, trainee_dice, vacancy_rng, vacancy_dice = np.random.default_rng(seed).spawn(4)
    with paused_gc():
        return (
            generate_trainees(trainees, trainee_rng, Dice(trainee_dice)),
            generate_vacancies(vacancies, vacancy_rng, Dice(vacancy_dice), seats),
        )


def json_text(records: Sequence[Record], kind: exchange.Kind) -> str:
    """Return records as an exchange JSON document, one record a line."""
    rows = ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    return f'{{"{kind}": [\n{rows}\n]}}\n' if rows else f'{{"{kind}": []}}\n'


def write(outdir: Path, trainees: list[Record], vacancies: list[Record]) -> list[Path]:
    """Write trainees and vacancies as exchange JSON and CSV files in outdir; return the paths written."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, records in (("trainees", trainees), ("vacancies", vacancies)):
        name: exchange.Kind = "trainees" if kind == "trainees" else "vacancies"
        model = exchange.MODELS[name]
        json_path, csv_path = outdir / f"{name}.json", outdir / f"{name}.csv"
        json_path.write_text(json_text(records, name), encoding="utf-8")
        csv_path.write_text(exchange.to_csv_text([model.model_validate(r) for r in records], name), encoding="utf-8")
        paths += [json_path, csv_path]
    return paths
