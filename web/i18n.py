"""Translations: French is the source language; other languages come from web/locales/<lang>/LC_MESSAGES/*.po.

A language's catalogue may be split into several .po files (one per area of the application); they are
read as one catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("fr", "en")
Translate = Callable[[str], str]
#: Chooses a message's singular or plural by a count: ngettext(singular, plural, count).
TranslatePlural = Callable[[str, str, float], str]


def catalogue_files(lang: str) -> list[Path]:
    """Return the .po files of a language, in name order."""
    return sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po"))


def read_catalogue(lang: str) -> Catalog:
    """Return the messages of every .po file of a language as one catalogue."""
    merged = Catalog(locale=lang)
    for path in catalogue_files(lang):
        with path.open("rb") as po:
            for message in read_po(po, locale=lang):
                if message.id:
                    merged[message.id] = message
    return merged


@cache
def translations(lang: str) -> NullTranslations:
    """Return the catalogue of a language, compiled in memory from its .po files (French needs none)."""
    if lang == "fr" or not catalogue_files(lang):
        return NullTranslations()
    catalog = read_catalogue(lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return GNUTranslations(compiled)


def translator(lang: str) -> Translate:
    """Return the function that translates a French message into `lang`."""
    return translations(lang if lang in LANGUAGES else "fr").gettext


def plural_translator(lang: str) -> TranslatePlural:
    """Return the function that picks a message's singular or plural form for a count, in `lang`.

    French puts 0 and 1 (and 1.5: below 2) in the singular; English uses the plural for all but 1. Counts
    may be decimals (years of experience), which gettext refuses: its own plural rule gets 1 or 2.
    """
    if lang not in LANGUAGES or lang == "fr":
        return lambda singular, plural, n: singular if abs(n) < 2 else plural
    catalogue = translations(lang)
    return lambda singular, plural, n: catalogue.ngettext(singular, plural, 1 if n == 1 else 2)
