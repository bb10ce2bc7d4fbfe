"""The project's taxonomy: certifications, skills, languages, and the active country's regions, towns and minimum wage.

Everything here is data read from ``matching/data/*.json`` (shared by every country) and the country's pack
(``matching/data/packs/<CODE>/``, see :mod:`matching.country`); the code holds no town names or certification
lists. Load it once per country with :func:`get_taxonomy`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from matching.country import CountryPack, active_country, checked_country, get_pack, read_pack_file


@dataclass(frozen=True)
class Certification:
    """A professional certification and the ones holding it implies."""

    code: str
    fr: str
    en: str
    implies: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skill:
    """A canonical security-sector skill with its labels, aliases and ESCO link."""

    code: str
    fr: str
    en: str
    aliases: tuple[str, ...] = ()
    esco: str | None = None
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Language:
    """A language with its canonical ISO 639 code and the other names people use for it."""

    code: str
    fr: str
    en: str
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Region:
    """An administrative region of the country (or Mali's District of Bamako)."""

    name: str
    capital: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Town:
    """A town of the gazetteer with its region, coordinates and spelling variants."""

    name: str
    region: str
    lat: float
    lon: float
    population: int = 0
    variants: tuple[str, ...] = ()
    approx: bool = False


@dataclass(frozen=True)
class EvidenceRule:
    """Skills that something a trainee has shows: phrases (folded) of a module's name or of a job title."""

    phrases: tuple[str, ...]
    skills: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class SkillEvidence:
    """What shows a skill a trainee did not list (``skill_evidence.json``, one file a country pack may replace)."""

    #: Grade out of 20 from which a training module counts as passed.
    pass_mark: float
    #: Certification code → the skills holding it shows (implied certifications count too).
    certifications: dict[str, tuple[str, ...]]
    #: Training modules, by names, and the skills passing one shows.
    modules: tuple[EvidenceRule, ...]
    #: Past job titles, by phrases they contain, and the skills such a job shows.
    titles: tuple[EvidenceRule, ...]
    #: Phrases of titles that show leading people.
    leadership_titles: tuple[str, ...]
    #: What reading a module name, a title or a certificate gave, by (kind, text): the same few texts recur.
    memo: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, repr=False)
    #: Each thing met (kind, text, module grade) and the skills it shows, as `matching.evidence` reads them.
    shown: dict[tuple[str, str, float | None], Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Taxonomy:
    """All taxonomy tables, loaded from the package's data files."""

    certifications: tuple[Certification, ...]
    skills: tuple[Skill, ...]
    languages: tuple[Language, ...]
    regions: tuple[Region, ...]
    towns: tuple[Town, ...]
    #: The country's minimum wage a month, in its currency (XOF, written FCFA, for Mali and Senegal).
    minimum_wage_fcfa_month: int
    #: What shows a skill a trainee did not list.
    evidence: SkillEvidence
    #: The country pack these tables were read for.
    pack: CountryPack | None = None

    def certification(self, code: str) -> Certification | None:
        """Return the certification with this canonical code, if it exists."""
        return next((c for c in self.certifications if c.code == code), None)

    def implied_certifications(self, code: str) -> set[str]:
        """Return the code itself and every code it implies, transitively."""
        seen: set[str] = set()
        todo = [code]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            cert = self.certification(current)
            if cert is not None:
                todo.extend(cert.implies)
        return seen

    def holders_of(self, code: str) -> set[str]:
        """Return the codes whose holders hold `code`: itself and every code that implies it, transitively."""
        return {c.code for c in self.certifications if code in self.implied_certifications(c.code)} | {code}

    def towns_within(self, name: str) -> set[str]:
        """Return the town and its parts: the other towns of its region named after it (Bamako's communes)."""
        town = self.town(name)
        if town is None:
            return {name}
        return {t.name for t in self.towns if t.region == town.region and t.name.startswith(f"{name} ")} | {name}

    def skill(self, code: str) -> Skill | None:
        """Return the skill with this canonical code, if it exists."""
        return next((s for s in self.skills if s.code == code), None)

    def language(self, code: str) -> Language | None:
        """Return the language with this canonical code, if it exists."""
        return next((lang for lang in self.languages if lang.code == code), None)

    def town(self, name: str) -> Town | None:
        """Return the town with this canonical name, if it exists."""
        return next((t for t in self.towns if t.name == name), None)

    def region(self, name: str) -> Region | None:
        """Return the region with this name, if it exists."""
        return next((r for r in self.regions if r.name == name), None)


def _read(name: str) -> Any:
    return json.loads(resources.files("matching").joinpath("data", name).read_text("utf-8"))


def _tuples(row: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """Drop keys starting with '_' (notes for people) and turn lists into tuples."""
    return _tuples({k: v for k, v in row.items() if not k.startswith("_")})


def _rows(name: str, key: str) -> list[dict[str, Any]]:
    data = _read(name)
    return [_public(r) for r in (data[key] if isinstance(data, dict) else data)]


def get_taxonomy(country: str | None = None) -> Taxonomy:
    """Return the taxonomy of a country (the active one by default): the shared tables and its pack's, read once."""
    return _taxonomy(checked_country(country or active_country()))


def _pack_languages(country: str) -> list[dict[str, Any]]:
    """Return the languages a pack adds to the shared list (none when it has no languages.json)."""
    data = read_pack_file(country, "languages.json")
    return [_public(r) for r in (data["languages"] if isinstance(data, dict) else data or [])]


def _evidence(name: str) -> SkillEvidence:
    data = _read(name)
    return SkillEvidence(
        pass_mark=float(data["pass_mark"]),
        certifications={code: tuple(skills) for code, skills in data["certifications"].items()},
        modules=tuple(EvidenceRule(tuple(r["names"]), tuple(r["skills"])) for r in data["modules"]),
        titles=tuple(EvidenceRule(tuple(r["phrases"]), tuple(r["skills"])) for r in data["titles"]),
        leadership_titles=tuple(data["leadership_titles"]),
    )


@cache
def _taxonomy(country: str) -> Taxonomy:
    gazetteer, pack = read_pack_file(country, "gazetteer.json"), get_pack(country)
    return Taxonomy(
        certifications=tuple(Certification(**r) for r in _rows("certifications.json", "certifications")),
        skills=tuple(Skill(**r) for r in _rows("skills.json", "skills")),
        languages=tuple(Language(**r) for r in [*_rows("languages.json", "languages"), *_pack_languages(country)]),
        regions=tuple(Region(**_public(r)) for r in gazetteer["regions"]),
        towns=tuple(Town(**_public(r)) for r in gazetteer["towns"]),
        minimum_wage_fcfa_month=pack.minimum_wage_month,
        evidence=_evidence("skill_evidence.json"),
        pack=pack,
    )
