"""Tolerant matching of free text (towns, languages, skills, certifications) to the taxonomy.

Each :class:`Vocabulary` first folds the text (accents, case, punctuation, spacing) and looks it up
among canonical names and aliases; only what that misses goes to rapidfuzz. Results are cached per
distinct input string, so the same text is never matched twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from matching.country import active_country
from matching.taxonomy import Taxonomy, get_taxonomy

#: rapidfuzz ``ratio`` (normalised Indel similarity, 0–100) a fuzzy match must reach, compared on the
#: folded text without spaces. 85 accepts a missing or doubled letter in a word of four letters or more
#: ("Sikaso", "Mopi") and a wrong letter in a word of seven or more ("Tombouctu", "secourisme" →
#: "secourismes"), and rejects transposed short names ("Kati" vs "Kita" scores 50). Texts shorter than
#: four characters (codes such as "bm" or "SST") are matched exactly or not at all, and a fuzzy match
#: must keep the same digits ("SSIAP 2" never becomes "SSIAP1").
FUZZY_THRESHOLD = 85.0

_PUNCTUATION = re.compile(r"[^a-z0-9]+")
_NUMBERS = re.compile(r"\b(?:[0-9]+|[ivx]+)\b")
_DOTTED_LETTERS = re.compile(r"\b(?:[a-z0-9]\.){2,}[a-z0-9]?\.?")


class FoldedPositions(dict[str, int]):
    """Column numbers by value, where values are compared folded: "Sirakorola-Nord" is "Sirakorola Nord"."""

    def __getitem__(self, key: str) -> int:
        return super().__getitem__(folded(key))

    def __setitem__(self, key: str, value: int) -> None:
        super().__setitem__(folded(key), value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(folded(key))

    def get(self, key: str, default: int | None = None) -> int | None:  # type: ignore[override]
        """Return the column of a value compared folded, or `default`."""
        return super().get(folded(key), default)


@cache
def folded(text: str) -> str:
    """Return fold(text), remembered: the engine looks the same few values up for every record."""
    return fold(text)


def fold(text: str) -> str:
    """Return text lower-cased, without accents or punctuation, with single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    plain = _DOTTED_LETTERS.sub(lambda m: m.group(0).replace(".", ""), plain)
    return _PUNCTUATION.sub(" ", plain).strip()


def squash(text: str) -> str:
    """Return the folded text without any space, so "SSIAP 1" and "ssiap1" meet."""
    return fold(text).replace(" ", "")


def _numbers(text: str) -> tuple[str, ...]:
    """Return the numbers a name carries, in digits or Roman numerals ("SSIAP 2", "Commune III")."""
    folded = re.sub(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])", " ", fold(text))
    return tuple(_NUMBERS.findall(folded))


@dataclass(frozen=True)
class Match:
    """The outcome of matching one string: the canonical value, or None with the text kept."""

    text: str
    value: str | None
    how: str  # "exact", "fuzzy" or "none"

    @property
    def matched(self) -> bool:
        """Return whether the text matched a canonical value."""
        return self.value is not None

    @property
    def kept(self) -> str:
        """Return the canonical value, or the text as written when nothing matched."""
        return self.value if self.value is not None else self.text.strip()


@dataclass
class Vocabulary:
    """A set of canonical values, each reachable through several names."""

    kind: str
    names: dict[str, str]
    numbers: dict[str, tuple[str, ...]]
    threshold: float = FUZZY_THRESHOLD
    _cache: dict[str, Match] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, kind: str, entries: Iterable[tuple[str, Iterable[str]]]) -> Vocabulary:
        """Build a vocabulary from (canonical value, names) pairs; earlier entries win clashes."""
        names: dict[str, str] = {}
        numbers: dict[str, tuple[str, ...]] = {}
        for value, aliases in entries:
            for name in (value, *aliases):
                key = squash(name)
                if key and key not in names:
                    names[key], numbers[key] = value, _numbers(name)
        return cls(kind=kind, names=names, numbers=numbers)

    def match(self, text: str) -> Match:
        """Match one string to a canonical value, exactly first, fuzzily otherwise."""
        found = self._cache.get(text)
        if found is None:
            found = self._match_uncached(text)
            self._cache[text] = found
        return found

    def _match_uncached(self, text: str) -> Match:
        key = squash(text)
        if key in self.names:
            return Match(text, self.names[key], "exact")
        if len(key) < 4:
            return Match(text, None, "none")
        best = process.extractOne(key, self.names.keys(), scorer=fuzz.ratio, score_cutoff=self.threshold)
        if best is None or self.numbers[best[0]] != _numbers(text):
            return Match(text, None, "none")
        return Match(text, self.names[best[0]], "fuzzy")


@dataclass(frozen=True)
class Vocabularies:
    """The vocabularies of the taxonomy, one per kind of value."""

    certifications: Vocabulary
    skills: Vocabulary
    languages: Vocabulary
    towns: Vocabulary


def build_vocabularies(taxonomy: Taxonomy) -> Vocabularies:
    """Build the vocabularies that match free text to a taxonomy."""
    return Vocabularies(
        certifications=Vocabulary.build("certification", ((c.code, (c.fr, c.en, *c.aliases)) for c in taxonomy.certifications)),
        skills=Vocabulary.build("skill", ((s.code, (s.fr, s.en, *s.aliases)) for s in taxonomy.skills)),
        languages=Vocabulary.build(
            "language", ((lang.code, (lang.fr, lang.en, *lang.codes, *lang.names)) for lang in taxonomy.languages)
        ),
        towns=Vocabulary.build("town", ((t.name, t.variants) for t in taxonomy.towns)),
    )


def get_vocabularies() -> Vocabularies:
    """Return the vocabularies of the active country's taxonomy, built once per country."""
    return _vocabularies(active_country())


@cache
def _vocabularies(country: str) -> Vocabularies:
    return build_vocabularies(get_taxonomy(country))
