"""Text preparation: accents stripped and TF-IDF weights computed exactly as scikit-learn's own functions do."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import strip_accents_unicode

from matching import synth
from matching.models import Trainee, Vacancy
from matching.taxonomy import get_taxonomy
from matching.text import _trainee_text, _vacancy_text, french_stop_words, strip_accents, text_rules, tfidf_matrices
from tests.factories import trainee, vacancy


def test_strip_accents_equals_scikit_learn_on_every_character() -> None:
    characters = [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
    for text in ("".join(characters[i : i + 64]) for i in range(0, len(characters), 64)):
        assert strip_accents(text) == strip_accents_unicode(text)


def test_strip_accents_on_french_text() -> None:
    for text in ("Sécurité incendie à Ségou", "ÉCOLE", "maître-chien", "œuvre", "plain ascii", "", "n°\u00a02 ﬁ"):
        assert strip_accents(text) == strip_accents_unicode(text)
    assert strip_accents("Sécurité à Ségou") == "Securite a Segou"


def scikit_learn_tfidf(vacancies: list[Vacancy], trainees: list[Trainee]) -> tuple[Any, Any, list[str]]:
    """Return what `tfidf_matrices` returned when it called scikit-learn's vectorisers."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    rules = text_rules(get_taxonomy())
    pattern = r"(?u)\b\w\w+\b"
    vectorizer = TfidfVectorizer(
        strip_accents=strip_accents,
        lowercase=True,
        stop_words=list(french_stop_words()),
        sublinear_tf=True,
        token_pattern=pattern,
        dtype=np.float64,
    )
    weights = vectorizer.fit_transform([_vacancy_text(v, rules) for v in vacancies]).tocsr()
    terms = CountVectorizer(
        vocabulary=vectorizer.vocabulary_, binary=True, strip_accents=strip_accents, token_pattern=pattern, dtype=np.float64
    )
    held = terms.transform([_trainee_text(t, rules.labels) for t in trainees]).T.tocsr()
    return weights.multiply(weights).tocsr(), held, [str(t) for t in vectorizer.get_feature_names_out()]


@pytest.mark.parametrize("seed", [1, 2])
def test_tfidf_equals_scikit_learns_vectorisers(seed: int) -> None:
    """The TF-IDF is computed without scikit-learn (its import costs seconds at start-up) but gives its numbers."""
    raw_trainees, raw_vacancies = synth.generate(trainees=300, vacancies=80, seed=seed)
    trainees = [Trainee.model_validate(t) for t in raw_trainees]
    vacancies = [Vacancy.model_validate(v) for v in raw_vacancies]
    weights, held, terms = tfidf_matrices(vacancies, trainees, get_taxonomy())
    expected_weights, expected_held, expected_terms = scikit_learn_tfidf(vacancies, trainees)
    assert terms == expected_terms
    assert abs(weights - expected_weights).max() < 1e-12 and (held != expected_held).nnz == 0


def test_tfidf_of_texts_made_of_stop_words_only() -> None:
    weights, held, terms = tfidf_matrices([vacancy(title="le la les", description="")], [trainee()], get_taxonomy())
    assert terms == [""] and weights.shape == (1, 1) and held.shape == (1, 1)
