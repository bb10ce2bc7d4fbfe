"""The translation catalogue: every French message of the pages has its English translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from web.i18n import read_catalogue

ROOT = Path(__file__).resolve().parents[2]
METHODS = [
    ("web/templates/**.html", "jinja2"),
    ("web/**.py", "python"),
    ("employers/**.py", "python"),
    ("profiles/**.py", "python"),
]


def source_messages() -> set[str]:
    """Return every French message marked for translation in templates and code."""
    found = extract_from_dir(ROOT, method_map=METHODS, keywords={"_": None, "N_": None}, options_map={})
    return {str(message) for _file, _line, message, _comments, _context in found if isinstance(message, str) and message}


def test_every_message_has_an_english_translation() -> None:
    catalogue = read_catalogue("en")
    translated = {str(m.id) for m in catalogue if m.id and m.string}
    missing = sorted(source_messages() - translated)
    assert not missing, "add these to a .po file of web/locales/en/LC_MESSAGES/:\n" + "\n".join(missing)


def test_the_catalogue_finds_messages() -> None:
    assert "Se connecter" in source_messages()
