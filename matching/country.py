"""Country packs: everything country-specific (gazetteer, languages, currency, minimum wage, phone numbering,
certifications recognised there), one folder per country under ``matching/data/packs/<CODE>/``.

The engine works for one country at a time, the *active* one: Mali (``ML``) unless the application's settings
(``RDVM_COUNTRY``) or a command's ``--country`` choose another with :func:`use_country`. A pack's folder holds
``country.json`` (the facts below, each with its source), ``gazetteer.json`` (regions, towns) and, optionally,
``languages.json`` (languages added to the shared list) and ``synth.json`` (the synthetic data's local tables).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

#: The country of the programme's pilot, used when nothing else is chosen.
DEFAULT_COUNTRY = "ML"
_active = [DEFAULT_COUNTRY]


class UnknownCountry(ValueError):
    """No pack exists for this country code."""


@dataclass(frozen=True)
class PhoneNumbering:
    """A country's phone numbers: calling code, the national number's pattern and an example to show people."""

    calling_code: str
    national_pattern: str
    example: str

    def international(self, digits: str) -> str | None:
        """Return +<code><national> when `digits` is a national number or one with the calling code, else None."""
        if re.fullmatch(self.national_pattern, digits):
            return f"+{self.calling_code}{digits}"
        code = self.calling_code
        for prefix in (code, "+" + code):
            if digits.startswith(prefix) and re.fullmatch(self.national_pattern, digits[len(prefix) :]):
                return "+" + digits.lstrip("+")
        return None


@dataclass(frozen=True)
class CountryPack:
    """One country's facts: its name, currency, minimum wage (with source and date) and phone numbering."""

    code: str
    name_fr: str
    name_en: str
    #: ISO 4217 code of the currency (XOF: the West African CFA franc) and how people write it ("FCFA").
    currency: str
    currency_label: str
    #: The minimum wage a month, in the currency, with the text that sets it and the date it took effect.
    minimum_wage_month: int
    minimum_wage_source: str
    minimum_wage_since: str
    phone: PhoneNumbering
    #: Certification codes not recognised in this country (shown, but not offered on vacancy forms).
    unrecognised_certifications: tuple[str, ...] = ()

    def recognises(self, certification: str) -> bool:
        """Return whether a certification code is recognised in this country."""
        return certification not in self.unrecognised_certifications

    #: "in the country" in French, with its preposition: "au Mali", "au Sénégal".
    in_fr: str = ""

    def name(self, lang: str) -> str:
        """Return the country's name in French or English."""
        return self.name_en if lang == "en" else self.name_fr

    def where(self, lang: str) -> str:
        """Return "in the country" in French or English: "au Sénégal", "in Senegal"."""
        return f"in {self.name_en}" if lang == "en" else self.in_fr or f"au {self.name_fr}"

    def money(self, amount: int) -> str:
        """Return an amount with the currency as people write it: "64 223 FCFA"."""
        return f"{amount:,}".replace(",", " ") + f" {self.currency_label}"


def packs_folder() -> Traversable:
    """Return the folder holding one sub-folder per country pack."""
    return resources.files("matching").joinpath("data", "packs")


@cache
def available_countries() -> tuple[str, ...]:
    """Return the codes of the countries with a pack, sorted (packs are package data: read once per process)."""
    return tuple(sorted(p.name for p in packs_folder().iterdir() if p.is_dir() and p.joinpath("country.json").is_file()))


def checked_country(code: str) -> str:
    """Return a country code in upper case, or raise UnknownCountry naming the packs there are."""
    upper = code.strip().upper()
    if upper not in available_countries():
        raise UnknownCountry(f"no country pack for {code!r}: choose one of {', '.join(available_countries())}")
    return upper


def use_country(code: str) -> str:
    """Make this country the active one for the rest of the process; return its code (checked)."""
    _active[0] = checked_country(code)
    return _active[0]


def active_country() -> str:
    """Return the code of the active country."""
    return _active[0]


def read_pack_file(country: str, name: str) -> Any:
    """Return a pack's JSON file, or None when the pack has no such file."""
    path = packs_folder().joinpath(country, name)
    return json.loads(path.read_text("utf-8")) if path.is_file() else None


def get_pack(country: str | None = None) -> CountryPack:
    """Return a country's pack (the active country's by default), read once."""
    return _pack(checked_country(country or active_country()))


@cache
def _pack(code: str) -> CountryPack:
    raw = read_pack_file(code, "country.json")
    wage, phone = raw["minimum_wage"], raw["phone"]
    return CountryPack(
        code=code,
        name_fr=raw["name_fr"],
        name_en=raw["name_en"],
        currency=raw["currency"],
        currency_label=raw["currency_label"],
        minimum_wage_month=int(wage["month"]),
        minimum_wage_source=wage["source"],
        minimum_wage_since=wage["since"],
        phone=PhoneNumbering(phone["calling_code"], phone["national_pattern"], phone["example"]),
        unrecognised_certifications=tuple(raw.get("unrecognised_certifications", ())),
        in_fr=raw.get("in_fr", ""),
    )
