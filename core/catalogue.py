"""Gettext catalogues read from .po files: French is the source language, a folder per other language.

A language's catalogue may be split into several .po files (one per area); they are read as one. The pages'
catalogue lives in web/locales, the notices' (SMS and e-mails) in employers/locales: the same mechanism.
"""

from __future__ import annotations

from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def catalogue_files(folder: Path, lang: str) -> list[Path]:
    """Return the .po files of a language under `folder` (<folder>/<lang>/LC_MESSAGES/*.po), in name order."""
    return sorted((folder / lang / "LC_MESSAGES").glob("*.po"))


def read_catalogue(folder: Path, lang: str) -> Catalog:
    """Return the messages of every .po file of a language as one catalogue."""
    merged = Catalog(locale=lang)
    for path in catalogue_files(folder, lang):
        with path.open("rb") as po:
            for message in read_po(po, locale=lang):
                if message.id:
                    merged[message.id] = message
    return merged


def compiled(folder: Path, lang: str) -> NullTranslations:
    """Return a language's catalogue compiled in memory (French, the source, and a language without files need none)."""
    if lang == "fr" or not catalogue_files(folder, lang):
        return NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, read_catalogue(folder, lang))
    buffer.seek(0)
    return GNUTranslations(buffer)
