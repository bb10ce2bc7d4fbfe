"""Text preparation: accents are stripped exactly as scikit-learn's own `strip_accents_unicode` does."""

from __future__ import annotations

import sys

from sklearn.feature_extraction.text import strip_accents_unicode

from matching.text import strip_accents


def test_strip_accents_equals_scikit_learn_on_every_character() -> None:
    characters = [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
    for text in ("".join(characters[i : i + 64]) for i in range(0, len(characters), 64)):
        assert strip_accents(text) == strip_accents_unicode(text)


def test_strip_accents_on_french_text() -> None:
    for text in ("Sécurité incendie à Ségou", "ÉCOLE", "maître-chien", "œuvre", "plain ascii", "", "n°\u00a02 ﬁ"):
        assert strip_accents(text) == strip_accents_unicode(text)
    assert strip_accents("Sécurité à Ségou") == "Securite a Segou"
