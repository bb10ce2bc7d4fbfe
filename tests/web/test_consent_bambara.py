"""The trainee's consent page in Bambara (issue 13): every message it shows has its Bambara, and the page reads in it.
The catalogue waits for a native speaker's review (README), as the rest of the Bambara does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_i18n import source_messages
from tests.web.test_trainee_pages import Scene, text_of
from tests.web.test_trainee_pages import scene as scene  # noqa: F401  (the fixture)
from web.i18n import translator
from web.messages import MESSAGES
from web.routes.privacy import SCOPE_WORDS

PAGE = Path(__file__).resolve().parents[2] / "web" / "templates" / "privacy" / "trainee_consent.html"


NOTICE = PAGE.parent / "notice.html"
#: The one sentence of the privacy notice kept in French: it names the law and authority, whose names are French.
LAW_SENTENCE = "Pour la sélection faite en France"


def messages_of(template: Path) -> set[str]:
    """Return the catalogue's messages a template shows (the privacy notice's law sentence apart)."""
    text = template.read_text("utf-8")
    return {m for m in source_messages() if f'"{m}"' in text and LAW_SENTENCE not in m}


def consent_messages() -> set[str]:
    """Return what the consent page shows: its template's messages, the consents' words, the withdrawal's answer."""
    return messages_of(PAGE) | {words for _icon, words in SCOPE_WORDS.values()} | {MESSAGES["done_withdrawn"]}


@pytest.mark.parametrize(("shown", "at_least"), [(consent_messages(), 10), (messages_of(NOTICE), 18)], ids=["consent", "notice"])
def test_every_message_of_the_page_has_its_bambara(shown: set[str], at_least: int) -> None:
    bambara = translator("bm")
    assert len(shown) >= at_least and not sorted(m for m in shown if bambara(m) == m)


@pytest.mark.parametrize(
    ("path", "bambara", "french"),
    [
        ("/trainee/consent", ["N ka sɔnw", "Ni i b'a fɛ ka sɔn tugun, a fɔ i ka ladilikɛla ye.",
                              "Porogaramu bɛ n ko kunnafoni minnu mara"], "parlez à votre conseiller"),
        ("/privacy", ["I yɛrɛ ka kunnafoniw", "I ka josariyaw"], "Vos droits"),
    ],
    ids=["consent", "notice"],
)  # fmt: skip
def test_the_page_reads_in_bambara(scene: Scene, path: str, bambara: list[str], french: str) -> None:
    page = scene.client.get(f"{path}?lang=bm")
    shown = text_of(page.text)
    assert page.status_code == 200 and 'lang="bm"' in page.text
    assert all(words in shown for words in bambara) and french not in shown
