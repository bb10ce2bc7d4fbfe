"""Translations: French is the source language; other languages come from web/locales/<lang>/LC_MESSAGES/*.po.

A language's catalogue may be split into several .po files (one per area of the application); they are
read as one catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.messages.catalog import Catalog

from core import catalogue

LOCALES = Path(__file__).parent / "locales"
#: The pages' languages: French (the source), English, and Bambara (the trainees' pages; a native speaker's review
#: of its catalogue is pending, see the README). A message missing from a catalogue is shown in French.
LANGUAGES = ("fr", "en", "bm")
#: Each language's name, written in that language (the language switch).
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "bm": "Bamanankan"}
Translate = Callable[[str], str]
#: Chooses a message's singular or plural by a count: ngettext(singular, plural, count).
TranslatePlural = Callable[[str, str, float], str]


def catalogue_files(lang: str) -> list[Path]:
    """Return the .po files of a language, in name order."""
    return catalogue.catalogue_files(LOCALES, lang)


def read_catalogue(lang: str) -> Catalog:
    """Return the messages of every .po file of a language as one catalogue."""
    return catalogue.read_catalogue(LOCALES, lang)


@cache
def translations(lang: str) -> NullTranslations:
    """Return the catalogue of a language, compiled in memory from its .po files (French needs none)."""
    return catalogue.compiled(LOCALES, lang)


def translator(lang: str) -> Translate:
    """Return the function that translates a French message into `lang`."""
    return translations(lang if lang in LANGUAGES else "fr").gettext


def plural_translator(lang: str) -> TranslatePlural:
    """Return the function that picks a message's singular or plural form for a count, in `lang`.

    French puts 0 and 1 (and 1.5: below 2) in the singular; English uses the plural for all but 1; Bambara has
    one form (its catalogue's rule). Counts may be decimals (years of experience), which gettext refuses: its
    own plural rule gets 1 or 2.
    """
    if lang not in LANGUAGES or lang == "fr":
        return lambda singular, plural, n: singular if abs(n) < 2 else plural
    compiled = translations(lang)
    return lambda singular, plural, n: compiled.ngettext(singular, plural, 1 if n == 1 else 2)
