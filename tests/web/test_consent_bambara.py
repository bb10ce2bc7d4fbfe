"""The trainee's consent page in Bambara (issue 13): every message it shows has its Bambara, and the page reads in it.
The catalogue waits for a native speaker's review (README), as the rest of the Bambara does."""

from __future__ import annotations

from pathlib import Path

from tests.web.test_i18n import source_messages
from tests.web.test_trainee_pages import Scene, text_of
from tests.web.test_trainee_pages import scene as scene  # noqa: F401  (the fixture)
from web.i18n import translator
from web.messages import MESSAGES
from web.routes.privacy import SCOPE_WORDS

PAGE = Path(__file__).resolve().parents[2] / "web" / "templates" / "privacy" / "trainee_consent.html"


def test_every_message_of_the_consent_page_has_its_bambara() -> None:
    template = PAGE.read_text("utf-8")
    shown = {m for m in source_messages() if f'"{m}"' in template}
    shown |= {words for _icon, words in SCOPE_WORDS.values()} | {MESSAGES["done_withdrawn"]}
    bambara = translator("bm")
    assert len(shown) >= 10 and not sorted(m for m in shown if bambara(m) == m)


def test_the_consent_page_reads_in_bambara(scene: Scene) -> None:
    page = scene.client.get("/trainee/consent?lang=bm")
    shown = text_of(page.text)
    assert page.status_code == 200 and 'lang="bm"' in page.text
    assert "N ka sɔnw" in shown and "Ni i b'a fɛ ka sɔn tugun, a fɔ i ka ladilikɛla ye." in shown
    assert "Porogaramu bɛ n ko kunnafoni minnu mara" in shown and "parlez à votre conseiller" not in shown


NOTICE = PAGE.parent / "notice.html"
#: The one sentence of the privacy notice kept in French: it names the law and authority, whose names are French.
LAW_SENTENCE = "Pour la sélection faite en France"


def test_every_message_of_the_privacy_notice_but_the_law_has_its_bambara() -> None:
    template = NOTICE.read_text("utf-8")
    shown = {m for m in source_messages() if f'"{m}"' in template and LAW_SENTENCE not in m}
    bambara = translator("bm")
    assert len(shown) >= 18 and not sorted(m for m in shown if bambara(m) == m)


def test_the_privacy_notice_the_consent_page_links_to_reads_in_bambara(scene: Scene) -> None:
    page = scene.client.get("/privacy?lang=bm")
    shown = text_of(page.text)
    assert page.status_code == 200 and 'lang="bm"' in page.text
    assert "I yɛrɛ ka kunnafoniw" in shown and "I ka josariyaw" in shown and "Vos droits" not in shown
