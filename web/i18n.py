"""Translations: French is the source language; other languages come from web/locales/<lang>/LC_MESSAGES/messages.po."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("fr", "en")
Translate = Callable[[str], str]


@cache
def translations(lang: str) -> NullTranslations:
    """Return the catalogue of a language, compiled in memory from its .po file (French needs none)."""
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    if lang == "fr" or not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return GNUTranslations(compiled)


def translator(lang: str) -> Translate:
    """Return the function that translates a French message into `lang`."""
    return translations(lang if lang in LANGUAGES else "fr").gettext
