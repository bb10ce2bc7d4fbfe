"""Text similarity between vacancies and trainee profiles (TF-IDF weighted term coverage)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from matching.models import Trainee, Vacancy
from matching.taxonomy import Taxonomy


@cache
def french_stop_words() -> tuple[str, ...]:
    """Return the folded French stop words shipped with the package."""
    text = resources.files("matching").joinpath("data", "stopwords_fr.txt").read_text("utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _skill_labels(taxonomy: Taxonomy) -> dict[str, str]:
    """Return the French label of each skill code."""
    return {s.code: s.fr for s in taxonomy.skills}


def vacancy_text(vacancy: Vacancy, taxonomy: Taxonomy) -> str:
    """Return the text a vacancy is compared on: title, description and skills."""
    return _vacancy_text(vacancy, _skill_labels(taxonomy))


def trainee_text(trainee: Trainee, taxonomy: Taxonomy) -> str:
    """Return the text a trainee is compared on: summary, skills and experience titles."""
    return _trainee_text(trainee, _skill_labels(taxonomy))


def _vacancy_text(vacancy: Vacancy, labels: dict[str, str]) -> str:
    skills = [labels.get(code, code) for code in (*vacancy.required_skills, *vacancy.preferred_skills)]
    return " ".join([vacancy.title, vacancy.description or "", *skills])


def _trainee_text(trainee: Trainee, labels: dict[str, str]) -> str:
    titles = [e.title for e in trainee.experience]
    return " ".join([trainee.summary or "", *(labels.get(code, code) for code in trainee.skills), *titles])


class _Combining(dict[int, int | None]):
    """A `str.translate` table that deletes combining characters, filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_COMBINING = _Combining()


def strip_accents(text: str) -> str:
    """Return the text decomposed (NFKD) without its combining characters.

    The same result as scikit-learn's `strip_accents_unicode`, a character loop in Python, in one
    `str.translate` call.
    """
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_COMBINING)


def tfidf_matrices(
    vacancies: Sequence[Vacancy], trainees: Sequence[Trainee], taxonomy: Taxonomy
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, list[str]]:
    """Return the vacancies' squared TF-IDF weights (rows sum to 1), the trainees' terms (columns), the terms.

    Their product is the share of a vacancy's text weight that a trainee's profile covers, in [0, 1].
    Unlike a cosine, it never drops when a profile gains a word (a skill, a job title), and the
    weights depend on the vacancies only, so one trainee's profile never moves another's score.
    """
    labels = _skill_labels(taxonomy)
    vacancy_docs = [_vacancy_text(v, labels) for v in vacancies]
    trainee_docs = [_trainee_text(t, labels) for t in trainees]
    vectorizer = TfidfVectorizer(
        strip_accents=strip_accents,
        lowercase=True,
        stop_words=list(french_stop_words()),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w\w+\b",
        dtype=np.float64,
    )
    try:
        weights = vectorizer.fit_transform(vacancy_docs).tocsr()
    except ValueError:  # no vacancy text has a word outside the stop words
        return sparse.csr_matrix((len(vacancy_docs), 1)), sparse.csr_matrix((1, len(trainee_docs))), [""]
    terms = CountVectorizer(
        vocabulary=vectorizer.vocabulary_,
        binary=True,
        strip_accents=strip_accents,
        lowercase=True,
        token_pattern=r"(?u)\b\w\w+\b",
        dtype=np.float64,
    )
    vocabulary = [str(t) for t in vectorizer.get_feature_names_out()]
    return weights.multiply(weights).tocsr(), terms.transform(trainee_docs).T.tocsr(), vocabulary
