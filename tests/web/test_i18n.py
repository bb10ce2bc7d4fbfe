"""The translation catalogue: every French message of the pages has its English translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from web.i18n import plural_translator, read_catalogue

ROOT = Path(__file__).resolve().parents[2]
METHODS = [
    ("web/templates/**.html", "jinja2"),
    ("web/**.py", "python"),
    ("employers/**.py", "python"),
    ("profiles/**.py", "python"),
]


KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def source_messages() -> set[str]:
    """Return every French message marked for translation in templates and code."""
    found = extract_from_dir(ROOT, method_map=METHODS, keywords=KEYWORDS, options_map={})
    return {str(message) for _file, _line, message, _comments, _context in found if isinstance(message, str) and message}


def plural_messages() -> set[tuple[str, str]]:
    """Return every (singular, plural) French message pair of the templates' ngettext(…)."""
    found = extract_from_dir(ROOT, method_map=METHODS, keywords=KEYWORDS, options_map={})
    return {(str(m[0]), str(m[1])) for _file, _line, m, _comments, _context in found if isinstance(m, tuple)}


def test_every_message_has_an_english_translation() -> None:
    catalogue = read_catalogue("en")
    translated = {str(m.id) for m in catalogue if m.id and m.string}
    missing = sorted(source_messages() - translated)
    assert not missing, "add these to a .po file of web/locales/en/LC_MESSAGES/:\n" + "\n".join(missing)


def test_every_plural_message_has_its_english_forms() -> None:
    catalogue = read_catalogue("en")
    translated = {tuple(m.id) for m in catalogue if isinstance(m.id, tuple) and all(m.string)}
    missing = sorted(plural_messages() - translated)
    assert plural_messages() and not missing, "add these (msgid, msgid_plural, msgstr[0], msgstr[1]):\n" + "\n".join(
        map(str, missing)
    )


def test_plurals_follow_each_languages_rule() -> None:
    fr, en = plural_translator("fr"), plural_translator("en")
    one, many = "{n} agent : {reason}", "{n} agents : {reason}"
    assert [fr(one, many, n) for n in (0, 1, 1.5, 2)] == [one, one, one, many]
    assert [en(one, many, n) for n in (0, 1, 2)] == ["{n} trainees: {reason}", "{n} trainee: {reason}", "{n} trainees: {reason}"]


def test_the_catalogue_finds_messages() -> None:
    assert "Se connecter" in source_messages()
